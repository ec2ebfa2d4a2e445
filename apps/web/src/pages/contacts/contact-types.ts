// The shapes the contacts page reads from the API.

export interface Attribute {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'boolean';
}

export interface ContactRow {
  id: string;
  phone: string | null;
  waId: string;
  name: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  optedOutAt: string | null;
  optedOutReason: string | null;
  firstSeenAt: string;
  lastSeenAt: string | null;
  conversations: number;
}

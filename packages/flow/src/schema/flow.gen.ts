/* Generated from schemas/flow.schema.json by `npm run gen -w @waflow/flow`. Do not edit: change the schema. */

/**
 * Version of this document's shape (1 is the only one so far).
 */
export type SchemaVersion = 1;
/**
 * The flow's id in its workspace (set by the server; sub-flow blocks call a flow by this id).
 */
export type FlowId = string;
export type FlowName = string;
export type Trigger =
  KeywordTrigger | RegexTrigger | AnyMessageTrigger | FirstMessageTrigger | ApiTrigger;
/**
 * @minItems 1
 * @maxItems 50
 */
export type Keywords = string[];
export type Match = 'exact' | 'contains';
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId = string;
/**
 * Use only the letters i, m, s and u.
 */
export type PatternOptions = string;
/**
 * @maxItems 50
 */
export type StartsWhen = Trigger[];
/**
 * Start with a letter or _, then use only letters, digits and _ (at most 64).
 */
export type Variable = string;
/**
 * @maxItems 200
 */
export type Variables = VariableDeclaration[];
export type EndASilentConversationAfterMinutes = number;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId1 = string;
/**
 * @maxItems 20
 */
export type StartOverWhenTheContactWrites = string[];
/**
 * @maxItems 20
 */
export type StopWhenTheContactWrites = string[];
export type SayWhenTheBotCannotUseAMessage = string;
/**
 * A time zone name like Europe/Madrid or America/Mexico_City; empty: UTC. Rules read now.hour, now.minute, now.weekday (1 = Monday … 7 = Sunday), now.date (YYYY-MM-DD) and now.time (HH:MM) in it.
 */
export type TimeZoneOfNowRulesAndNowTime = string;
export type MostBlocksRunForOneMessage = number;
export type JoinQuickMessagesMs = number;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId2 = string;
export type FlowNode =
  | SayNode
  | AskNode
  | ConditionNode
  | SetNode
  | JumpNode
  | SubflowNode
  | ReturnNode
  | LoopNode
  | DelayNode
  | SplitNode
  | WebhookNode
  | HttpNode
  | HandoffNode
  | EndNode;
export type LabelOnTheCanvas = string;
export type Message = SayText | SayMedia | SayLocation | SayTemplate;
/**
 * Text with {{variable}} placeholders.
 */
export type Text = string;
export type MediaType = 'image' | 'document' | 'audio' | 'video';
export type FileURL = string;
/**
 * Text with {{variable}} placeholders.
 */
export type Text1 = string;
export type FileName = string;
export type Latitude = number;
export type Longitude = number;
export type PlaceName = string;
/**
 * Write the template's name as it is in Meta's WhatsApp Manager: lowercase letters, digits and _ only (like order_update).
 */
export type TemplateName = string;
/**
 * Write the language code of the approved template, like en, en_US, es or pt_BR.
 */
export type Language = string;
/**
 * Text with {{variable}} placeholders.
 */
export type Text2 = string;
/**
 * The values of {{1}}, {{2}}… in the template's body, in order; each may use {{variables}}.
 *
 * @maxItems 100
 */
export type BodyParameters = Text2[];
/**
 * For Twilio numbers: paste the template's Content SID from Twilio's Content Template Builder, HX followed by 32 hex characters.
 */
export type TwilioContentSID = string;
/**
 * Text with {{variable}} placeholders.
 */
export type Text3 = string;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId3 = string;
/**
 * Text with {{variable}} placeholders.
 */
export type Text4 = string;
/**
 * Start with a letter or _, then use only letters, digits and _ (at most 64).
 */
export type Variable1 = string;
export type ExpectedAnswer =
  AskText | AskNumber | AskEmail | AskPhone | AskDate | AskRegex | AskChoice | AskMedia;
export type Pattern = string;
/**
 * Use only the letters i, m, s and u.
 */
export type PatternOptions1 = string;
export type Option = string;
export type ValueSaved = string;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId4 = string;
/**
 * @minItems 2
 * @maxItems 100
 */
export type Options = ChoiceOption[];
/**
 * Text with {{variable}} placeholders.
 */
export type Text5 = string;
export type AttemptsBeforeGivingUp = number;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId5 = string;
export type WaitAtMostSeconds = number;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId6 = string;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId7 = string;
export type BranchName = string;
export type RuleJSONLogic = Record<string, unknown>;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId8 = string;
/**
 * @minItems 1
 * @maxItems 20
 */
export type Branches = ConditionBranch[];
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId9 = string;
/**
 * Text with {{variables}}, a number, true/false or a list.
 */
export type Value = unknown;
export type ComputedValueJSONLogic = Record<string, unknown>;
/**
 * A contact attribute's key (declared on the Contacts page): the value is kept on the contact across conversations and numbers, and flows read it as {{contact.<key>}}.
 */
export type AlsoSaveToTheContactAs = string;
/**
 * @minItems 1
 * @maxItems 50
 */
export type Assignments = Assignment[];
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId10 = string;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId11 = string;
export type Flow = string;
export type PinnedVersion = number;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId12 = string;
/**
 * Start with a letter or _, then use only letters, digits and _ (at most 64).
 */
export type Variable2 = string;
/**
 * Start with a letter or _, then use only letters, digits and _ (at most 64).
 */
export type Variable3 = string;
/**
 * Start with a letter or _, then use only letters, digits and _ (at most 64).
 */
export type Variable4 = string;
export type AtMostThisManyItems = number;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId13 = string;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId14 = string;
export type Seconds = number;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId15 = string;
/**
 * Start with a letter or _, then use only letters, digits and _ (at most 64).
 */
export type Variable5 = string;
export type PathName = string;
export type Weight = number;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId16 = string;
/**
 * @minItems 2
 * @maxItems 10
 */
export type Paths = SplitBranch[];
/**
 * Use lowercase letters, digits, _, . and - (like lead.captured).
 */
export type EventName = string;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId17 = string;
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/**
 * Text with {{variable}} placeholders.
 */
export type Text6 = string;
/**
 * Strings may hold {{variables}}.
 */
export type JSONBody = unknown;
export type TimeoutMs = number;
export type JSONPath = string;
/**
 * @maxItems 50
 */
export type KeepFromTheAnswer = ResponseMapping[];
/**
 * Start with a letter or _, then use only letters, digits and _ (at most 64).
 */
export type Variable6 = string;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId18 = string;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId19 = string;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId20 = string;
/**
 * Text with {{variable}} placeholders.
 */
export type Text7 = string;
/**
 * Shown in the inbox and sent with the handoff.requested webhook; text with {{variable}} placeholders.
 */
export type NoteForTheTeam = string;
/**
 * Who gets the conversation in the inbox: "round-robin" (the online member who was given one least recently) or a member's email address; left empty, it waits under Unassigned.
 */
export type AssignTo = string;
/**
 * Use only letters, digits, - and _ (at most 64).
 */
export type BlockId21 = string;
/**
 * Text with {{variable}} placeholders.
 */
export type Text8 = string;
/**
 * A deployment caps a flow at WAFLOW_MAX_FLOW_BLOCKS blocks (2,000 unless set; the API refuses a bigger draft in plain words); 20,000 is the most that variable may allow.
 *
 * @minItems 1
 * @maxItems 20000
 */
export type Blocks = FlowNode[];

/**
 * One version of a bot flow: what starts it, its variables, its blocks, and how it is drawn.
 */
export interface FlowConfig {
  schemaVersion: SchemaVersion;
  id?: FlowId;
  name?: FlowName;
  description?: string;
  triggers: StartsWhen;
  variables: Variables;
  settings?: FlowSettings;
  start: BlockId2;
  nodes: Blocks;
  ui?: FlowUi;
}
export interface KeywordTrigger {
  type: 'keyword';
  keywords: Keywords;
  match: Match;
  target?: BlockId;
}
export interface RegexTrigger {
  type: 'regex';
  pattern: string;
  flags?: PatternOptions;
  target?: BlockId;
}
export interface AnyMessageTrigger {
  type: 'any';
  target?: BlockId;
}
export interface FirstMessageTrigger {
  type: 'first_message';
  target?: BlockId;
}
export interface ApiTrigger {
  type: 'api';
  target?: BlockId;
}
export interface VariableDeclaration {
  name: Variable;
  type: 'string' | 'number' | 'boolean' | 'list' | 'object';
  default?: unknown;
  description?: string;
}
export interface FlowSettings {
  conversationTimeoutMinutes?: EndASilentConversationAfterMinutes;
  timeoutNode?: BlockId1;
  restartKeywords?: StartOverWhenTheContactWrites;
  stopKeywords?: StopWhenTheContactWrites;
  fallbackText?: SayWhenTheBotCannotUseAMessage;
  timezone?: TimeZoneOfNowRulesAndNowTime;
  maxStepsPerMessage?: MostBlocksRunForOneMessage;
  debounceMs?: JoinQuickMessagesMs;
}
/**
 * Send a message: text, an image/document/audio/video, a location, or an approved WhatsApp template.
 */
export interface SayNode {
  id: BlockId;
  type: 'say';
  label?: LabelOnTheCanvas;
  message: Message;
  next?: BlockId3;
}
export interface SayText {
  kind: 'text';
  text: Text;
}
export interface SayMedia {
  kind: 'media';
  mediaType: MediaType;
  url: FileURL;
  caption?: Text1;
  fileName?: FileName;
}
export interface SayLocation {
  kind: 'location';
  latitude: Latitude;
  longitude: Longitude;
  name?: PlaceName;
}
/**
 * An approved WhatsApp template: the only message the Cloud API and Twilio deliver to a contact who has not written in the last 24 hours.
 */
export interface SayTemplate {
  kind: 'template';
  name: TemplateName;
  language: Language;
  parameters: BodyParameters;
  contentSid?: TwilioContentSID;
  fallbackText?: Text3;
}
/**
 * Ask a question, wait for the reply, check it and keep it in a variable.
 */
export interface AskNode {
  id: BlockId;
  type: 'ask';
  label?: LabelOnTheCanvas;
  prompt: Text4;
  saveAs: Variable1;
  validation: ExpectedAnswer;
  retryPrompt?: Text5;
  maxRetries?: AttemptsBeforeGivingUp;
  onInvalid?: BlockId5;
  timeoutSeconds?: WaitAtMostSeconds;
  onTimeout?: BlockId6;
  next?: BlockId7;
}
export interface AskText {
  kind: 'text';
  minLength?: number;
  maxLength?: number;
}
export interface AskNumber {
  kind: 'number';
  min?: number;
  max?: number;
  integer?: boolean;
}
export interface AskEmail {
  kind: 'email';
}
export interface AskPhone {
  kind: 'phone';
}
export interface AskDate {
  kind: 'date';
}
export interface AskRegex {
  kind: 'regex';
  pattern: Pattern;
  flags?: PatternOptions1;
}
export interface AskChoice {
  kind: 'choice';
  options: Options;
}
export interface ChoiceOption {
  label: Option;
  value?: ValueSaved;
  next?: BlockId4;
}
export interface AskMedia {
  kind: 'media';
}
/**
 * Go one way or another depending on the variables (the first branch whose rule holds wins).
 */
export interface ConditionNode {
  id: BlockId;
  type: 'condition';
  label?: LabelOnTheCanvas;
  branches: Branches;
  else?: BlockId9;
}
export interface ConditionBranch {
  label?: BranchName;
  when: RuleJSONLogic;
  next: BlockId8;
}
/**
 * Give variables a value: fixed text with {{variables}}, or computed (JSONLogic).
 */
export interface SetNode {
  id: BlockId;
  type: 'set';
  label?: LabelOnTheCanvas;
  assignments: Assignments;
  next?: BlockId10;
}
export interface Assignment {
  variable: Variable;
  value?: Value;
  expression?: ComputedValueJSONLogic;
  saveToContact?: AlsoSaveToTheContactAs;
}
/**
 * Continue at another block of this flow.
 */
export interface JumpNode {
  id: BlockId;
  type: 'jump';
  label?: LabelOnTheCanvas;
  target: BlockId11;
}
/**
 * Run another flow of the workspace, then come back here. A published flow calls the published version of the other flow (or the version pinned here).
 */
export interface SubflowNode {
  id: BlockId;
  type: 'subflow';
  label?: LabelOnTheCanvas;
  flowId: Flow;
  version?: PinnedVersion;
  input?: PassIn;
  output?: BringBack;
  next?: BlockId12;
}
/**
 * Sub-flow variable → text with {{variables}}.
 */
export interface PassIn {
  [k: string]: string | undefined;
}
/**
 * Variable here → sub-flow variable.
 */
export interface BringBack {
  [k: string]: Variable;
}
/**
 * In a flow run by another one: go back to the calling flow (in a flow run on its own, it ends the conversation).
 */
export interface ReturnNode {
  id: BlockId;
  type: 'return';
  label?: LabelOnTheCanvas;
}
/**
 * For each item of a list variable, run the blocks starting at 'body' (the item is in 'item variable'); when the body path ends, the next item starts; after the last item, continue at 'next'.
 */
export interface LoopNode {
  id: BlockId;
  type: 'loop';
  label?: LabelOnTheCanvas;
  list: Variable2;
  itemVariable: Variable3;
  indexVariable?: Variable4;
  maxItems?: AtMostThisManyItems;
  body: BlockId13;
  next?: BlockId14;
}
/**
 * Wait before going on.
 */
export interface DelayNode {
  id: BlockId;
  type: 'delay';
  label?: LabelOnTheCanvas;
  seconds: Seconds;
  next?: BlockId15;
}
/**
 * Send contacts down one of several paths at random, by weight (A/B test). The same conversation always gets the same draw.
 */
export interface SplitNode {
  id: BlockId;
  type: 'split';
  label?: LabelOnTheCanvas;
  saveAs?: Variable5;
  branches: Paths;
}
export interface SplitBranch {
  label?: PathName;
  weight: Weight;
  next: BlockId16;
}
/**
 * Tell your systems something happened: a signed webhook to every endpoint subscribed to this event (sent in the background, retried).
 */
export interface WebhookNode {
  id: BlockId;
  type: 'webhook';
  label?: LabelOnTheCanvas;
  event: EventName;
  payload?: Data;
  next?: BlockId17;
}
/**
 * Field → text with {{variables}}. Empty: all variables.
 */
export interface Data {
  [k: string]: string | undefined;
}
/**
 * Call an HTTP API, wait for the answer, keep fields of its JSON in variables, and go on by success, failure or timeout.
 */
export interface HttpNode {
  id: BlockId;
  type: 'http';
  label?: LabelOnTheCanvas;
  method: Method;
  url: Text6;
  headers?: Headers;
  body?: JSONBody;
  timeoutMs?: TimeoutMs;
  mappings?: KeepFromTheAnswer;
  saveStatusAs?: Variable6;
  next?: BlockId18;
  onFailure?: BlockId19;
  onTimeout?: BlockId20;
}
export interface Headers {
  [k: string]: string | undefined;
}
export interface ResponseMapping {
  variable: Variable;
  path: JSONPath;
}
/**
 * Pass the conversation to a person: the bot stays quiet until someone releases it, then continues at 'next'.
 */
export interface HandoffNode {
  id: BlockId;
  type: 'handoff';
  label?: LabelOnTheCanvas;
  message?: Text7;
  reason?: NoteForTheTeam;
  assignTo?: AssignTo;
  next?: BlockId21;
}
/**
 * End the conversation (its results are complete).
 */
export interface EndNode {
  id: BlockId;
  type: 'end';
  label?: LabelOnTheCanvas;
  message?: Text8;
}
export interface FlowUi {
  positions?: {
    [k: string]:
      | {
          x: number;
          y: number;
        }
      | undefined;
  };
  /**
   * Form hints for the builder and the form-style preview.
   */
  ui_schema?: {};
}

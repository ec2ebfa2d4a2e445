// The Overview's charts, drawn by Recharts: messages in and out per day, conversations started
// and completed per day, and the bot's median reply time per day.
import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { Card } from '../../components/ui.tsx';
import { duration, type DayFigures } from './overview-types.ts';

const AXIS = { fontSize: 12, fill: 'var(--color-muted)' };
const shortDay = (day: string) => day.slice(5);

function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card className="p-4">
      <h2 className="mb-3 text-sm font-medium">{title}</h2>
      <div className="h-56" role="img" aria-label={title}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </Card>
  );
}

export function OverviewCharts({ days }: { days: DayFigures[] }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard title="Messages per day">
        <BarChart data={days}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
          <XAxis dataKey="day" tickFormatter={shortDay} tick={AXIS} />
          <YAxis allowDecimals={false} tick={AXIS} width={40} />
          <Tooltip />
          <Legend />
          <Bar dataKey="messagesIn" name="Received" fill="#16a34a" isAnimationActive={false} />
          <Bar
            dataKey="messagesOut"
            name="Sent by the bot"
            fill="#60a5fa"
            isAnimationActive={false}
          />
        </BarChart>
      </ChartCard>
      <ChartCard title="Conversations per day">
        <LineChart data={days}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
          <XAxis dataKey="day" tickFormatter={shortDay} tick={AXIS} />
          <YAxis allowDecimals={false} tick={AXIS} width={40} />
          <Tooltip />
          <Legend />
          <Line dataKey="started" name="Started" stroke="#16a34a" isAnimationActive={false} />
          <Line dataKey="completed" name="Completed" stroke="#2563eb" isAnimationActive={false} />
          <Line
            dataKey="handoffs"
            name="Handed to a person"
            stroke="#d97706"
            isAnimationActive={false}
          />
        </LineChart>
      </ChartCard>
      <ChartCard title="Median bot reply time per day">
        <LineChart data={days}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
          <XAxis dataKey="day" tickFormatter={shortDay} tick={AXIS} />
          <YAxis tick={AXIS} width={56} tickFormatter={(v: number) => duration(v)} />
          <Tooltip formatter={(v) => duration(typeof v === 'number' ? v : null)} />
          <Line
            dataKey="medianReplyMs"
            name="Median reply time"
            stroke="#7c3aed"
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ChartCard>
      <ChartCard title="Completion rate per day (%)">
        <LineChart data={days}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
          <XAxis dataKey="day" tickFormatter={shortDay} tick={AXIS} />
          <YAxis domain={[0, 100]} tick={AXIS} width={40} />
          <Tooltip />
          <Line
            dataKey="completionRate"
            name="Completed of started (%)"
            stroke="#16a34a"
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ChartCard>
    </div>
  );
}

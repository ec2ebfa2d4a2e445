// Flows a new flow can start from ("New flow" in the web app): a few of the example flows under
// schemas/examples, bundled into the package at build time (the product never reads those files
// at run time). Only self-contained ones: no sub-flow of another flow they would need to find.
import leadCapture from '../../../schemas/examples/lead-capture.flow.json';
import supportHandoff from '../../../schemas/examples/support-handoff.flow.json';
import appointmentBooking from '../../../schemas/examples/appointment-booking.flow.json';
import outOfHours from '../../../schemas/examples/out-of-hours.flow.json';

export interface FlowTemplate {
  id: string;
  name: string;
  description: string;
  config: Record<string, unknown>;
}

const template = (id: string, config: Record<string, unknown>): FlowTemplate => ({
  id,
  name: String(config.name),
  description: String(config.description ?? ''),
  config,
});

export const flowTemplates: readonly FlowTemplate[] = [
  template('lead-capture', leadCapture),
  template('support-handoff', supportHandoff),
  template('appointment-booking', appointmentBooking),
  template('office-hours', outOfHours),
];

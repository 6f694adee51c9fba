export const channels = ['voice', 'chat', 'email', 'fax'] as const;
export type Channel = (typeof channels)[number];

export const agentStates = ['available', 'away', 'offline'] as const;
export type AgentState = (typeof agentStates)[number];

export const roles = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof roles)[number];

export const segments = ['A', 'B', 'C'] as const;
export type Segment = (typeof segments)[number];

export const identificationMethods = ['phone', 'email', 'chat', 'fax', 'verified', 'none'] as const;
export type IdentificationMethod = (typeof identificationMethods)[number];

export const languages = ['nb', 'da', 'en'] as const;
export type Language = (typeof languages)[number];

/** One self-service step the customer took before reaching an agent (IVR menu, bot answer). */
export interface JourneyStep {
  at: string;
  step: string;
  result: string;
  /**
   * The step's facts in a language-free form (`order`, `invoice`, `amount`, `currency`, `outcome`,
   * `intent`, `article`, ...): summaries in the reader's language, reports and routing read these.
   */
  data?: Record<string, string>;
}

/** How a self-service conversation that never reached an agent ended. */
export const selfServiceOutcomes = ['self-served', 'abandoned-in-self-service'] as const;
export type SelfServiceOutcome = (typeof selfServiceOutcomes)[number];

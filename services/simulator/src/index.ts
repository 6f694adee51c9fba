export { runSimulation, type SimulationHooks, type SimulationOptions, type SimulationSummary } from './simulation.ts';
export { percentile, summariseLatencies, type LatencySummary, type StatusSnapshot } from './recorder.ts';
export { channelDrivers, driverFor, type ChannelDriver, type CustomerContext, type SimulatedCustomer } from './channels/index.ts';
export { parseCommandLine, helpText, UsageError } from './options.ts';
export { statusLine, summaryText } from './report.ts';

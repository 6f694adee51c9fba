export { runSimulation, type SimulationSummary } from './simulation.ts';
export { percentile } from './recorder.ts';

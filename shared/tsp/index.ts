/** The TSP engine's problem side: reading, hashing and measuring problems, neighbour lists, initial tours. */
export { ProblemError } from './types.ts';
export type { EdgeWeightType, Instance, NeighbourLists, ProblemData, Tour } from './types.ts';
export { Rng } from './random.ts';
export { createInstance, geoRadians, randomUniformProblem, tourLength } from './instance.ts';
export { buildNeighbourLists, buildQuadrantNeighbourLists, DEFAULT_NEIGHBOURS } from './neighbours.ts';
export { MAX_DIMENSION, MAX_EXPLICIT_DIMENSION, parseTsplib } from './tsplib.ts';
export { checkTour, formatTour, parseTour, type ParsedTour } from './tour.ts';
export { formatTourCsv, parseCsv } from './csv.ts';
export { parseProblemFile, problemHash } from './problem.ts';
export { knownOptimum } from './known-optima.ts';
export { constructTour, DEFAULT_CONSTRUCTION, greedyTour, nearestNeighbourTour, spaceFillingCurveTour, type ConstructionMethod } from './construct.ts';

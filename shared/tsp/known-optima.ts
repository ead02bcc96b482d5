/**
 * Proven optimal tour lengths of TSPLIB instances (TSPLIB95's published optima), keyed by the content
 * hash of the parsed instance (problemHash), so a TSPLIB file opened anywhere shows its gap, and a
 * renamed copy still does, while an edited file never borrows an optimum that is not its own.
 */
import { problemHash } from './problem.ts';
import type { ProblemData } from './types.ts';

export const KNOWN_OPTIMA: Readonly<Record<string, readonly [name: string, optimum: number]>> = {
  '8f3730bf99523b03': ['a280', 2579],
  a209e68643320132: ['att48', 10628],
  '5cacecd8021dfa0d': ['att532', 27686],
  e45f588b7facf94c: ['bayg29', 1610],
  dc06e3b06c543a36: ['berlin52', 7542],
  adabec7d94294233: ['ch150', 6528],
  '9260b2fd3e386450': ['d18512', 645238],
  '77aa710e9de9ae41': ['dantzig42', 699],
  '4c4d9486d2253c4c': ['eil51', 426],
  d637ae14a4bb180d: ['fnl4461', 182566],
  fdd19471e257da99: ['gr120', 6942],
  f2f95ada1735cf2a: ['gr17', 2085],
  '8376428095ecc3ec': ['gr96', 55209],
  '20d9a0d23821e992': ['kroA100', 21282],
  '3415c12463558864': ['pcb1173', 56892],
  '222b98d85144c3b3': ['pcb3038', 137694],
  bfa17e91a6c21140: ['pcb442', 50778],
  '1136f2ca391d2d9b': ['pla7397', 23260728],
  '04beb0fc83b6f1c8': ['pla85900', 142382641],
  '910b6804de1fd7e2': ['pr1002', 259045],
  e8ba6e4de38b7895: ['pr2392', 378032],
  '9db34e778a0b480c': ['rat783', 8806],
  '7e943bd16b2a8142': ['rl5915', 565530],
  ad2362fc74f78c7b: ['si175', 21407],
  c1b6df54ba5d607b: ['st70', 675],
  fb30e392c7a1bf58: ['ulysses22', 7013],
  '99659717327abc68': ['usa13509', 19982859],
};

/** The proven optimum of this exact instance when it is a known TSPLIB instance. */
export function knownOptimum(data: ProblemData): number | undefined {
  return KNOWN_OPTIMA[problemHash(data)]?.[1];
}

import type { InputSize } from '../src/shared/templates';

/** A network the benchmark trains: a studio template at a fixed input size, 10 classes. */
export interface BenchNet {
  name: string;
  template: string;
  input: InputSize;
  /** For people: "LeNet-5, 28x28x1". */
  label: string;
}

/** The nets of issue 4, by the names `--nets` takes. */
export const BENCH_NETS: readonly BenchNet[] = [
  { name: 'lenet5', template: 'lenet5', input: { height: 28, width: 28, channels: 1 }, label: 'LeNet-5, 28x28x1' },
  { name: 'vgg-small', template: 'vgg-small', input: { height: 32, width: 32, channels: 3 }, label: 'VGG-style (vgg-small), 32x32x3' },
  { name: 'resnet18', template: 'resnet18', input: { height: 32, width: 32, channels: 3 }, label: 'ResNet-18, 32x32x3' },
];

export const BENCH_CLASSES = 10;
export const BENCH_BATCH = 64;

export function findBenchNet(name: string): BenchNet | undefined {
  return BENCH_NETS.find((n) => n.name === name);
}

import type { PytorchPackageConfig } from './package-config';

/** Where the launch files lie inside the package. */
export const LAUNCH_FILES = {
  readme: 'README.md',
  requirements: 'requirements.txt',
  slurm: 'slurm/train.sbatch',
  kubernetes: 'kubernetes/pytorchjob.yaml',
} as const;

/** A name for jobs and pods: lower case letters, digits and dashes, at most 40 characters. */
export function jobSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug || 'network';
}

/** What people install: PyTorch (1.13 or newer), NumPy, Pillow; onnx for export_onnx.py. */
export function requirementsText(): string {
  return ['# python -m pip install -r requirements.txt', 'torch>=1.13', 'numpy', 'pillow', 'onnx  # export_onnx.py only', ''].join('\n');
}

/** The short "how to run it" text (the export panel shows it too). */
export function howToRunText(): string {
  return [
    'One machine:      torchrun --standalone --nproc_per_node=N train.py --data IMAGES --out RUN',
    'Several machines: torchrun --nnodes=M --nproc_per_node=N --rdzv-backend=c10d --rdzv-endpoint=HOST:29500 train.py --data IMAGES --out RUN',
    'Slurm:            sbatch slurm/train.sbatch IMAGES RUN',
    'Kubernetes:       kubectl apply -f kubernetes/pytorchjob.yaml',
    'Back in the studio: cnn-studio import-run RUN',
  ].join('\n');
}

/** README.md of a package. */
export function readmeText(config: PytorchPackageConfig): string {
  const { height, width, channels } = config.input;
  const t = config.training;
  const weights =
    config.startWeights === null
      ? 'Training starts from PyTorch\'s initialisation (the project had not been trained).'
      : config.source.kind === 'run'
        ? `Training starts from the weights the studio trained (\`${config.startWeights}/\`), so the cluster continues what the laptop began.`
        : `Training starts from the project's initial weights (\`${config.startWeights}/\`).`;
  const labels = config.labels ? `${config.labels.length} classes, in this order: ${config.labels.join(', ')}` : `${config.classes} classes: the dataset's class folders, sorted by name`;
  return `# ${config.projectName} — PyTorch training package

Written by CNN Studio ${config.producer.version} from the ${config.source.kind} \`${config.source.path}\`.
The network takes ${height}x${width} ${channels === 1 ? 'grey' : 'RGB'} images and tells ${labels}.
${weights}

| File | What it is |
|---|---|
| \`model.py\` | the network as an \`nn.Module\` (submodules named after the studio's node ids) |
| \`data.py\` | image-folder reading, preprocessing and augmentation, as the studio does them |
| \`train.py\` | training with DistributedDataParallel, for \`torchrun\` or a single process |
| \`export_onnx.py\` | the trained network to ONNX, with the studio's metadata |
| \`studio_format.py\` | the studio's weight and run-folder formats |
| \`cnn_studio.json\`, \`project.cnnstudio\` | the project's settings and graph |
| \`${LAUNCH_FILES.slurm}\`, \`${LAUNCH_FILES.kubernetes}\` | launch files for Slurm and Kubeflow |

## Install

    python -m pip install -r requirements.txt

PyTorch 1.13 or newer; a CUDA build for GPUs (https://pytorch.org/get-started/locally/).

## Train

The image folder holds one sub-folder per class, or \`train/\` (+ \`val/\` or \`validation/\`, \`test/\`) with one
sub-folder per class in each. The same folder on every machine (a shared file system) is simplest.

One process (CPU, one GPU, or Apple's MPS):

    python train.py --data /data/images --out runs/run1

Every GPU of one machine (N processes):

    torchrun --standalone --nproc_per_node=N train.py --data /data/images --out runs/run1

Several machines (run this on each, with its own \`--node_rank\`; HOST is the first machine):

    torchrun --nnodes=M --nproc_per_node=N --node_rank=R --rdzv-id=run1 --rdzv-backend=c10d \\
        --rdzv-endpoint=HOST:29500 train.py --data /data/images --out /shared/runs/run1

Slurm (adjust the \`#SBATCH\` lines first; submit from this folder):

    sbatch ${LAUNCH_FILES.slurm} /data/images /shared/runs/run1

Kubernetes with the Kubeflow training operator (edit the image, the volume and the replicas first):

    kubectl apply -f ${LAUNCH_FILES.kubernetes}

\`train.py\` takes its place in the job only from torchrun's environment (RANK, LOCAL_RANK, WORLD_SIZE,
MASTER_ADDR, MASTER_PORT); without it, it runs as one process. CUDA uses NCCL, CPUs use Gloo.

The project's settings apply: ${t.epochs} epochs, batch size ${t.batchSize} (global: each of W processes takes
${t.batchSize}/W images per step), ${t.optimizer.type} with learning rate ${t.optimizer.learningRate}, the ${t.schedule.type} schedule, seed
${t.seed ?? 'drawn at random'}. Options: \`--epochs\`, \`--batch-size\`, \`--lr\`, \`--seed\`, \`--workers\` (data-loading processes),
\`--device cpu|cuda|mps\`, \`--no-amp\` (mixed precision is on for CUDA), \`--json\` (events on stdout);
\`python train.py --help\` lists them all.

After every epoch a checkpoint is written to the run folder; \`--resume\` continues from the last one (the
Slurm and Kubernetes files pass it, so a requeued job continues). Ctrl-C or SIGTERM stops after the
current batch and keeps what was trained.

## Bring the result back

The run folder is a CNN Studio run folder (\`run.json\`, \`metrics.jsonl\`, checkpoints, \`weights/\`). Copy it
to the studio's machine and:

    cnn-studio import-run runs/run1

Its metrics join the project's runs, its weights load onto the canvas, and evaluation, visualisation and
ONNX export work on it as on a run trained in the studio.

## ONNX

    python export_onnx.py --run runs/run1 --out model.onnx

NCHW input, probabilities out (\`--logits\` for logits), and the studio's metadata (labels, input size,
normalisation, resize mode).

## Differences from the studio's own engine

- Initial weights of an untrained project are PyTorch's defaults, not TF.js's; trained weights are
  carried over exactly, and the network computes the same function (padding, pooling, flatten order,
  BatchNorm momentum and epsilon follow the studio).
- Images are decoded with Pillow instead of libvips. Enlarging agrees to rounding and shrinking within a
  grey level on average; stretching that enlarges one side while it shrinks the other differs by about
  three levels, JPEGs shrunk 3x or more by a few (libvips decodes them at a reduced scale first), and
  CMYK JPEGs are converted without their ICC profile. The validation split, the epoch order and the
  augmentation's random draws are the studio's own.
- One process takes the batches in the studio's order, and several processes split each of the studio's
  batches between them; the losses, optimisers and learning-rate schedules are the studio's. Dropout
  masks are PyTorch's, and with mixed precision on CUDA the arithmetic is float16 where PyTorch allows.
`;
}

/** A Slurm batch script: one torchrun per node, every GPU of each node, resumable. */
export function slurmText(config: PytorchPackageConfig): string {
  const slug = jobSlug(config.projectName);
  return `#!/bin/bash
# Trains "${config.projectName.replace(/[\r\n]+/g, ' ')}" on Slurm: one torchrun per node, one process per GPU.
# Submit from the package folder:  sbatch ${LAUNCH_FILES.slurm} IMAGE_FOLDER RUN_FOLDER
# The run folder must be on storage every node sees. A requeued job continues from its last checkpoint.
#SBATCH --job-name=${slug}
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=4
#SBATCH --cpus-per-task=32
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --signal=TERM@120
#SBATCH --output=%x-%j.out

set -euo pipefail
DATA="\${1:?give the image folder}"
OUT="\${2:?give the run folder}"
cd "\${SLURM_SUBMIT_DIR}"

GPUS_PER_NODE="\${SLURM_GPUS_ON_NODE:-4}"
HEAD_NODE="$(scontrol show hostnames "\${SLURM_JOB_NODELIST}" | head -n 1)"

srun --kill-on-bad-exit=1 torchrun \\
  --nnodes="\${SLURM_JOB_NUM_NODES}" \\
  --nproc_per_node="\${GPUS_PER_NODE}" \\
  --rdzv-id="\${SLURM_JOB_ID}" \\
  --rdzv-backend=c10d \\
  --rdzv-endpoint="\${HEAD_NODE}:29500" \\
  train.py --data "\${DATA}" --out "\${OUT}" --resume --workers "$(( SLURM_CPUS_PER_TASK / GPUS_PER_NODE ))"
`;
}

/**
 * A Kubeflow PyTorchJob: one process (and one GPU) per pod. The training operator gives every pod
 * MASTER_ADDR, MASTER_PORT, WORLD_SIZE and RANK, which is all train.py needs.
 */
export function pytorchJobText(config: PytorchPackageConfig): string {
  const slug = jobSlug(config.projectName);
  const replica = (role: 'Master' | 'Worker', replicas: number) => `    ${role}:
      replicas: ${replicas}
      restartPolicy: OnFailure
      template:
        spec:
          containers:
            - name: pytorch
              # Any image with PyTorch 1.13 or newer, NumPy and Pillow.
              image: pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
              workingDir: /workspace/package
              command: ["python", "train.py", "--data", "/workspace/data", "--out", "/workspace/runs/${slug}", "--resume", "--workers", "4"]
              resources:
                limits:
                  nvidia.com/gpu: 1
              volumeMounts:
                - { name: workspace, mountPath: /workspace }
                - { name: shm, mountPath: /dev/shm }
          volumes:
            # A volume every pod sees, holding this package (package/), the images (data/) and the runs (runs/).
            - name: workspace
              persistentVolumeClaim:
                claimName: cnn-studio-workspace
            # DataLoader workers share batches through /dev/shm.
            - name: shm
              emptyDir: { medium: Memory }`;
  return `# Trains "${config.projectName.replace(/[\r\n]+/g, ' ')}" with the Kubeflow training operator: kubectl apply -f ${LAUNCH_FILES.kubernetes}
# One process per pod (the operator sets MASTER_ADDR, MASTER_PORT, WORLD_SIZE and RANK); 1 master + 3 workers = 4 GPUs.
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: ${slug}
spec:
  pytorchReplicaSpecs:
${replica('Master', 1)}
${replica('Worker', 3)}
`;
}

/** Activation functions a layer can apply; one list for Conv2D, Dense and the Activation layer. */
export const ACTIVATIONS = ['relu', 'leaky-relu', 'elu', 'sigmoid', 'tanh', 'softmax', 'linear'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** The slope of leaky-relu below zero (PyTorch's default); the Activation layer can change it. */
export const LEAKY_RELU_DEFAULT_ALPHA = 0.01;

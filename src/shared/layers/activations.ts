/**
 * Activation functions a layer can apply; one list for Conv2D, Dense and the Activation layer. `relu6`
 * is min(max(x, 0), 6), MobileNet's activation (an Activation node with it is the "ReLU6 layer").
 */
export const ACTIVATIONS = ['relu', 'relu6', 'leaky-relu', 'elu', 'sigmoid', 'tanh', 'softmax', 'linear'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** The slope of leaky-relu below zero (PyTorch's default); the Activation layer can change it. */
export const LEAKY_RELU_DEFAULT_ALPHA = 0.01;

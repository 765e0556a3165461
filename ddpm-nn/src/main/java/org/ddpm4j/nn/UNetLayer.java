package org.ddpm4j.nn;

import org.ddpm4j.tensor.Tensor;

/**
 * A layer of the U-Net's down, middle or up path. Each takes the activated time embedding
 * ({@code silu(temb)}, shared by all blocks), and its backward adds to that embedding's gradient.
 */
interface UNetLayer extends Module {

    /** Output for input {@code x [B, C, H, W]}; the returned tensor is owned by the layer until its next forward. */
    Tensor forward(Tensor x, Tensor timeEmbedding, ForwardContext ctx);

    /** Input gradient for {@code gradOutput}; adds parameter gradients and {@code +=} into {@code gradTimeEmbedding}. */
    Tensor backward(Tensor gradOutput, Tensor gradTimeEmbedding);

    /** Channels of the output. */
    int outChannels();
}

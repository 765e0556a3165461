package org.ddpm4j.tensor;

import static org.ddpm4j.tensor.TensorArrays.hostArray;

import java.util.List;

/**
 * The engine's ops, each forward beside its hand-written backward.
 *
 * <p>Conventions shared by every implementation:
 * <ul>
 *   <li>Forward ops overwrite their output; backward ops <em>accumulate</em> ({@code +=}) into gradient
 *       buffers, so a tensor used twice collects both gradients. Callers zero gradients when they start a step.</li>
 *   <li>Outputs must not alias inputs unless the method says so.</li>
 *   <li>Shapes are checked up front; a mismatch throws {@link IllegalArgumentException} naming the op and
 *       the expected and actual shapes.</li>
 *   <li>Implementations are safe to call from several threads at once on disjoint tensors.</li>
 * </ul>
 * {@link ScalarBackend} is the reference every other backend is tested against.
 */
public interface Backend {

    /** Short name used in logs and benchmarks: {@code scalar}, {@code simd}, {@code opencl}. */
    String name();

    /** Worker threads this backend uses for one op (1 for the scalar reference). */
    int threads();

    /** Releases worker threads or device resources; the backend must not be used afterwards. */
    default void shutdown() {
    }

    /**
     * Waits until every op called so far has finished. CPU backends finish each op before returning; a device
     * backend may only have queued it (its results are fetched, and so waited for, when the host reads them).
     * Timing code calls this, as PyTorch's {@code torch.cuda.synchronize()}.
     */
    default void finish() {
    }

    /** One line saying which backend runs and how, for logs and benchmark reports. */
    default String describe() {
        return name() + " (" + threads() + (threads() == 1 ? " thread)" : " threads)");
    }

    // ---------------------------------------------------------------- convolution

    /**
     * 2-D convolution (cross-correlation, as PyTorch): {@code y[n,o] = b[o] + Σ_c w[o,c] ⋆ x[n,c]}.
     *
     * @param x    input {@code [N, Cin, H, W]}
     * @param w    weight {@code [Cout, Cin, k, k]}
     * @param bias {@code [Cout]} or {@code null}
     * @param y    output {@code [N, Cout, Ho, Wo]}, overwritten
     */
    void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y);

    /**
     * A convolution with what a residual block adds to its output: {@code y = conv2d(x, w, bias) + shift[n, o] +
     * residual}, where {@code shift} is {@code [N, Cout]} (a time embedding's projection) and {@code residual} has y's
     * shape (a shortcut) and is not y; either may be null. The terms are added in that order, each rounded, so the
     * result is that of {@link #conv2d}, {@link #addChannelVector} and {@link #add}, which is what this default runs;
     * a backend may add them as it writes the output instead. The backward is {@link #conv2dBackward}'s: the shift's
     * gradient is {@link #addChannelVectorBackward}'s and the residual's is dy.
     */
    default void conv2dPlus(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor shift, Tensor residual,
                            Tensor y) {
        OpChecks.conv2dPlus(x, w, bias, spec, shift, residual, y);
        conv2d(x, w, bias, spec, y);
        if (shift != null) {
            addChannelVector(y, shift, y);
        }
        if (residual != null) {
            add(residual, y, y);
        }
    }

    /**
     * Backward of {@link #conv2d}: {@code dx += Wᵀ ⋆ dy}, {@code dw += dy ⋆ x}, {@code dbias += Σ dy}.
     * Pass {@code dx = null} when the input needs no gradient (the first layer): only the weight and bias
     * gradients are computed, which saves a third of the work.
     */
    void conv2dBackward(Tensor x, Tensor w, Tensor dy, Conv2dSpec spec, Tensor dx, Tensor dw, Tensor dbias);

    // ---------------------------------------------------------------- matrix products

    /**
     * Batched matrix product {@code c[b] = α·op(a[b])·op(b[b]) (+ c[b] if accumulate)}, where op transposes
     * when asked. Rank-2 operands are one batch; a rank-2 {@code b} with a rank-3 {@code a} is shared by
     * every batch entry. Shapes (without transposes): a {@code [B, M, K]}, b {@code [B, K, N]}, c {@code [B, M, N]}.
     */
    void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, boolean accumulate);

    /**
     * Fully connected layer: {@code y = x·wᵀ + bias} with x {@code [N, in]}, w {@code [out, in]},
     * bias {@code [out]} or null, y {@code [N, out]}.
     */
    default void linear(Tensor x, Tensor w, Tensor bias, Tensor y) {
        LinearShapes.check("linear", x, w, bias, y);
        matmul(x, false, w, true, y, 1f, false);
        if (bias != null) {
            addChannelVector(y, bias, y);
        }
    }

    /** Backward of {@link #linear}: {@code dx += dy·w}, {@code dw += dyᵀ·x}, {@code dbias += Σ_n dy}; dx and dbias may be null. */
    default void linearBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias) {
        LinearShapes.check("linearBackward", x, w, dbias, dy);
        ShapeCheck.requireSameShape("linearBackward", "w", w, "dw", dw);
        if (dx != null) {
            ShapeCheck.requireSameShape("linearBackward", "x", x, "dx", dx);
            matmul(dy, false, w, false, dx, 1f, true);
        }
        matmul(dy, true, x, false, dw, 1f, true);
        if (dbias != null) {
            addChannelVectorBackward(dy, dbias);
        }
    }

    // ---------------------------------------------------------------- normalisation

    /**
     * Group normalisation (Wu &amp; He 2018) over {@code [N, C, ...]}: each of the {@code groups} channel groups of
     * each sample is normalised to zero mean and unit variance, then scaled by gamma and shifted by beta per channel.
     *
     * @param gamma {@code [C]} or null (no affine scale)
     * @param beta  {@code [C]} or null (no shift)
     * @param mean  {@code [N, groups]}, written: saved for backward
     * @param rstd  {@code [N, groups]}, written: 1/√(var + eps), saved for backward
     */
    void groupNorm(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor y, Tensor mean, Tensor rstd);

    /**
     * {@code y = silu(groupNorm(x))}, DDPM's {@code nonlinearity(normalize(h))}, with the statistics saved as
     * {@link #groupNorm} saves them. This composition writes the norm's output and then runs SiLU over it in place; a
     * backend may apply SiLU as it normalises.
     */
    default void groupNormSilu(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor y, Tensor mean,
                               Tensor rstd) {
        groupNorm(x, gamma, beta, groups, eps, y, mean, rstd);
        silu(y, y);
    }

    /**
     * Backward of {@link #groupNorm}, from the saved statistics: {@code dx} is written, not accumulated, as PyTorch's
     * norm backward writes it (an accumulating dx would be read as well as written, a quarter more memory traffic
     * for an op bound by it); {@code dgamma +=} and {@code dbeta +=}. Any of the three may be null.
     */
    void groupNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy, int groups,
                           Tensor dx, Tensor dgamma, Tensor dbeta);

    /**
     * Backward of {@code z = silu(groupNorm(x))}, DDPM's {@code nonlinearity(normalize(h))}, from the norm's input and
     * the statistics its forward saved (the norm's output is not needed): {@code dx} is written, not accumulated;
     * {@code dgamma +=} and {@code dbeta +=} (either may be null, as gamma and beta). {@code work}, of x's shape, may
     * be overwritten. This composition computes the norm's output again (writing the same mean and rstd) and runs the
     * two backwards one after the other; a backend may instead make one pass over x and dz per group.
     */
    default void groupNormSiluBackward(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor mean,
                                       Tensor rstd, Tensor dz, Tensor dx, Tensor dgamma, Tensor dbeta, Tensor work) {
        OpChecks.groupNormSiluBackward(x, gamma, beta, groups, mean, rstd, dz, dx, dgamma, dbeta, work);
        groupNorm(x, gamma, beta, groups, eps, dx, mean, rstd);
        siluBackward(dx, dz, work.zero());
        groupNormBackward(x, gamma, mean, rstd, work, groups, dx, dgamma, dbeta);
    }

    // ---------------------------------------------------------------- activations

    /** SiLU (swish): {@code y = x·σ(x)}. {@code y} may be {@code x}. */
    void silu(Tensor x, Tensor y);

    /** Backward of {@link #silu}: {@code dx += dy·σ(x)·(1 + x·(1 − σ(x)))}. */
    void siluBackward(Tensor x, Tensor dy, Tensor dx);

    /** Softmax over the last dimension. {@code y} may be {@code x}. */
    void softmax(Tensor x, Tensor y);

    /** Backward of {@link #softmax} from its output: {@code dx += y ⊙ (dy − Σ_j dy_j·y_j)} per row. */
    void softmaxBackward(Tensor y, Tensor dy, Tensor dx);

    // ---------------------------------------------------------------- attention

    /**
     * Spatial self-attention as in the DDPM attention block. q, k and v are {@code [B, C, T...]} (T = H·W
     * positions, channels first, as a convolution writes them). Computes {@code P = softmax(QᵀK/√C)}
     * ({@code [B, T, T]}, saved for backward) and {@code out[:, i] = Σ_j P[i,j]·V[:, j]} ({@code [B, C, T...]}).
     */
    void attention(Tensor q, Tensor k, Tensor v, Tensor out, Tensor probs);

    /**
     * Backward of {@link #attention} storing nothing beyond the saved attention matrix: {@code dq}, {@code dk} and
     * {@code dv} (three distinct tensors) each {@code +=} the gradient of its input.
     */
    void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor dout, Tensor dq, Tensor dk, Tensor dv);

    // ---------------------------------------------------------------- resampling and layout

    /** Nearest-neighbour 2× upsampling: x {@code [N, C, H, W]} to y {@code [N, C, 2H, 2W]}. */
    void upsample2x(Tensor x, Tensor y);

    /** Backward of {@link #upsample2x}: {@code dx[h,w] += Σ} of the four {@code dy} values it was copied to. */
    void upsample2xBackward(Tensor dy, Tensor dx);

    /** Concatenates along channels: a {@code [N, Ca, ...]}, b {@code [N, Cb, ...]} to out {@code [N, Ca+Cb, ...]}. */
    void concatChannels(Tensor a, Tensor b, Tensor out);

    /** Backward of {@link #concatChannels}: splits {@code dout} and accumulates into {@code da} and {@code db} (either may be null). */
    void splitChannelsBackward(Tensor dout, Tensor da, Tensor db);

    // ---------------------------------------------------------------- elementwise

    /** {@code out = a + b} (same shapes; out may alias a or b). */
    void add(Tensor a, Tensor b, Tensor out);

    /** {@code out = a ⊙ b} (same shapes; out may alias a or b). */
    void mul(Tensor a, Tensor b, Tensor out);

    /** {@code out = s·a} (out may alias a). */
    void scale(Tensor a, float s, Tensor out);

    /** {@code y += α·x}: gradient accumulation and the backward of add and scale. */
    void axpy(float alpha, Tensor x, Tensor y);

    /** {@code y = α·x + β·y}: an exponential moving average's update, {@code y ← (1 − d)·x + d·y}, in one pass. */
    void axpby(float alpha, Tensor x, float beta, Tensor y);

    /** {@code out += a ⊙ b}: the backward of {@link #mul}. */
    void addProduct(Tensor a, Tensor b, Tensor out);

    /**
     * Adds a per-channel vector over the spatial positions: x {@code [N, C, ...]}, v {@code [C]} (one vector for
     * all samples, a bias) or {@code [N, C]} (one per sample, the projected time embedding). out may alias x.
     */
    void addChannelVector(Tensor x, Tensor v, Tensor out);

    /** Backward of {@link #addChannelVector} for the vector: {@code dv += Σ_positions dy} (and Σ_n when dv is {@code [C]}). */
    void addChannelVectorBackward(Tensor dy, Tensor dv);

    // ---------------------------------------------------------------- noise

    /**
     * Fills {@code out} with standard normal values that depend only on {@code seed} and each element's index
     * ({@link CounterNoise}): every backend and thread count draws the same noise, and a device backend draws it on
     * the device, where the diffusion's x_t lives.
     */
    void gaussianNoise(long seed, Tensor out);

    // ---------------------------------------------------------------- dropout

    /**
     * Inverted dropout: each element is kept with probability 1 − p and scaled by 1/(1 − p). The mask depends only
     * on {@code seed} and the element's index (a counter-based hash), so every backend and thread count draws the
     * same mask. {@code mask} (same shape, written) holds 0 or 1/(1 − p) for backward. {@code y} may be x.
     */
    void dropout(Tensor x, float p, long seed, Tensor y, Tensor mask);

    /**
     * {@code out = src} on this backend, as a product with 1, which IEEE arithmetic makes exact (a device that
     * flushes subnormals to zero flushes them here too). The shapes must match.
     */
    default void copy(Tensor src, Tensor out) {
        ShapeCheck.requireSameShape("copy", "src", src, "out", out);
        scale(src, 1f, out);
    }

    /** Backward of {@link #dropout}: {@code dx += dy ⊙ mask}. */
    default void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) {
        addProduct(dy, mask, dx);
    }

    // ---------------------------------------------------------------- optimiser

    /**
     * One Adam update in place, element by element: {@code m = β₁·m + (1 − β₁)·g},
     * {@code v = β₂·v + (1 − β₂)·g²}, {@code θ −= stepSize·m/(√v·invSqrtC2 + eps)}. All four tensors have one shape.
     */
    default void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, AdamCoefficients k) {
        OpChecks.adamUpdate(param, grad, m, v);
        float[] w = hostArray(param), g = hostArray(grad), md = hostArray(m), vd = hostArray(v);
        for (int j = 0; j < w.length; j++) {
            md[j] = k.beta1() * md[j] + (1 - k.beta1()) * g[j];
            vd[j] = k.beta2() * vd[j] + (1 - k.beta2()) * g[j] * g[j];
            w[j] -= k.stepSize() * md[j] / ((float) Math.sqrt(vd[j]) * k.invSqrtC2() + k.eps());
        }
    }

    // ---------------------------------------------------------------- per-sample arithmetic (the diffusion maths)

    /**
     * Per sample b (the leading dimension), {@code out = a[b]·x + c[b]·y}. With a schedule's coefficients this is
     * q(x_t | x₀) (DDPM Eq. 4), the posterior mean μ̃ (Eq. 7), x̂₀ from ε (Eq. 15) and the sampler's update μ + σ·z,
     * so the diffusion maths stays on the backend that holds the model. {@code out} may be {@code x} or {@code y}.
     */
    void combinePerSample(Tensor x, float[] a, Tensor y, float[] c, Tensor out);

    /** {@code out = min(max(x, lo), hi)} element-wise (x̂₀ clipped to the data's range); {@code out} may be x. */
    void clamp(Tensor x, float lo, float hi, Tensor out);

    // ---------------------------------------------------------------- losses and reductions

    /** Mean squared error {@code mean((pred − target)²)}, accumulated in double. */
    double mseLoss(Tensor pred, Tensor target);

    /** Backward of {@link #mseLoss} scaled by {@code gradScale}: {@code dpred += gradScale·2·(pred − target)/n}. */
    void mseLossBackward(Tensor pred, Tensor target, float gradScale, Tensor dpred);

    /**
     * Per sample (the leading dimension), {@code mean((pred_b − target_b)²)} accumulated in double, into
     * {@code out[b]}: each sample's own term of {@link #mseLoss}, whose mean it is.
     */
    void meanSquaredErrorPerSample(Tensor pred, Tensor target, double[] out);

    /** Sum of all elements, accumulated in double. */
    double sum(Tensor x);

    /** Mean of all elements. */
    default double mean(Tensor x) {
        return sum(x) / x.size();
    }

    /** Sum of squares of all elements (for gradient-norm clipping), accumulated in double. */
    double sumOfSquares(Tensor x);

    /**
     * {@link #sumOfSquares} of each of {@code xs} into {@code out[i]}: a global gradient norm, or a check that every
     * weight is finite, in one call. A device backend then waits for the device once, not once per tensor (a U-Net
     * has a few hundred).
     */
    default void sumsOfSquares(List<Tensor> xs, double[] out) {
        OpChecks.perTensor("sumsOfSquares", xs, out);
        for (int i = 0; i < xs.size(); i++) {
            out[i] = sumOfSquares(xs.get(i));
        }
    }
}

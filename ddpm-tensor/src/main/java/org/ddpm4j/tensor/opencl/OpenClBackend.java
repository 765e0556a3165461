package org.ddpm4j.tensor.opencl;

import com.aparapi.device.OpenCLDevice;
import java.util.List;
import org.ddpm4j.tensor.AdamCoefficients;
import org.ddpm4j.tensor.AttentionGeometry;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.ChannelConcat;
import org.ddpm4j.tensor.ChannelVector;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.ConvGeometry;
import org.ddpm4j.tensor.GroupNormGeometry;
import org.ddpm4j.tensor.MatmulGeometry;
import org.ddpm4j.tensor.OpChecks;
import org.ddpm4j.tensor.PerSample;
import org.ddpm4j.tensor.ShapeCheck;
import org.ddpm4j.tensor.Tensor;
import org.ddpm4j.tensor.TensorArrays;

/**
 * The engine on an OpenCL device: every op of {@link Backend}, forward and backward, and the Adam update run as
 * kernels written in Java, translated to OpenCL C by Aparapi and launched on buffers this backend owns.
 *
 * <p>Data stays on the device between ops: a tensor's array is uploaded when an op first needs it or after the host
 * replaced its values, and an op's output is downloaded only when the host asks for a copy or a host backend uses
 * the tensor (each tensor records this backend as its {@link org.ddpm4j.tensor.DeviceHolder}; the cache is
 * {@link DeviceArrays}). {@link #transfers()} counts the bytes moved.
 * {@link #shutdown()} copies every newer device array back, so nothing computed is lost.
 *
 * <p>Creating the backend translates and compiles every kernel with a small probe run, so a kernel that Aparapi
 * cannot translate ({@link KernelTranslationException}) or OpenCL cannot build ({@link ClException}) is found at
 * once. Aparapi's own runtime, which would quietly run such a kernel on a Java thread pool, is never used.
 *
 * <p>Kernels accumulate in float32 in a different order from the double-accumulating scalar reference; the tests
 * hold them to the same tolerances as the SIMD backend.
 */
public final class OpenClBackend implements Backend {
    /**
     * Bound to every array argument that an op does not use (an absent bias, γ or gradient), since each argument
     * needs a buffer: the kernels never touch it, and it is uploaded once. Arrays that a launch reads and writes
     * through different arguments must be distinct (see {@link #distinct}).
     */
    private static final float[] ABSENT = new float[1];

    private final OpenCLDevice device;
    private final DeviceRuntime runtime;
    private final ImplicitGemmKernel gemm;
    private final WideTileGemmKernel wideGemm;
    private final GemmTiles tiles;
    private final GroupNormKernel groupNorm;
    private final GroupNormBackwardKernel groupNormBackward;
    private final SoftmaxKernel softmax;
    private final AttentionScoreGradientKernel attentionScoreGradient;
    private final ElementwiseKernel elementwise;
    private final CounterRandomKernel random;
    private final LayoutKernel layout;
    private final ChannelVectorKernel channelVector;
    private final PerSampleKernel perSample;
    /** The per-sample coefficients of {@link #combinePerSample}, held so that their device buffers are reused. */
    private float[] perSampleA = new float[1];
    private float[] perSampleC = new float[1];
    private final ReductionKernel reduction;
    private final AdamKernel adam;
    /** The partial weight gradients of a cut product ({@link WeightGradientSplit}), grown only, never read on the host. */
    private float[] weightGradientPartials = new float[1];

    private OpenClBackend(OpenCLDevice device, DeviceRuntime runtime, GemmTiles tiles) {
        this.device = device;
        this.runtime = runtime;
        this.tiles = tiles;
        gemm = new ImplicitGemmKernel(runtime);
        wideGemm = new WideTileGemmKernel(runtime);
        groupNorm = new GroupNormKernel(runtime);
        groupNormBackward = new GroupNormBackwardKernel(runtime);
        softmax = new SoftmaxKernel(runtime);
        attentionScoreGradient = new AttentionScoreGradientKernel(runtime);
        elementwise = new ElementwiseKernel(runtime);
        random = new CounterRandomKernel(runtime);
        layout = new LayoutKernel(runtime);
        channelVector = new ChannelVectorKernel(runtime);
        perSample = new PerSampleKernel(runtime);
        reduction = new ReductionKernel(runtime);
        adam = new AdamKernel(runtime);
    }

    /**
     * The backend on the device chosen by {@value OpenClDevices#DEVICE_PROPERTY}, with every kernel compiled.
     *
     * @throws OpenClUnavailableException when there is no OpenCL device (or not the one asked for)
     * @throws KernelTranslationException when Aparapi cannot translate a kernel
     * @throws ClException                when OpenCL cannot create the context or build a kernel
     */
    public static OpenClBackend create() {
        return on(OpenClDevices.select());
    }

    /** The backend on {@code device}, with every kernel compiled (same exceptions as {@link #create()}). */
    public static OpenClBackend on(OpenCLDevice device) {
        return on(device, GemmTiles.fromProperty());
    }

    /** The backend on {@code device} with its products' kernels chosen by {@code tiles}. */
    static OpenClBackend on(OpenCLDevice device, GemmTiles tiles) {
        return started(new OpenClBackend(device, new DeviceRuntime(device), tiles));
    }

    /** The backend on {@code device} keeping at most {@code budgetBytes} of device copies (for eviction tests). */
    static OpenClBackend withMemoryBudget(OpenCLDevice device, long budgetBytes) {
        return started(new OpenClBackend(device, new DeviceRuntime(device, budgetBytes), GemmTiles.fromProperty()));
    }

    private static OpenClBackend started(OpenClBackend backend) {
        try {
            KernelProbe.runAll(backend);
            // The probe's products are too small for the wide kernel: compiled here, so that it too fails at start.
            backend.runtime.compiled(backend.wideGemm);
        } catch (RuntimeException e) {
            backend.shutdown();
            throw e;
        }
        return backend;
    }

    /** The device the kernels run on. */
    public OpenCLDevice device() {
        return device;
    }

    /** Bytes copied between host and device since this backend started. */
    public Transfers transfers() {
        return runtime.transfers();
    }

    @Override
    public String name() {
        return "opencl";
    }

    /** The device's compute units (the host side of each op is one thread). */
    @Override
    public int threads() {
        return device.getMaxComputeUnits();
    }

    @Override
    public String describe() {
        return "opencl on " + OpenClDevices.describe(device);
    }

    /** Copies every array whose device copy is newer back to the host and releases the device. */
    @Override
    public void shutdown() {
        runtime.close();
    }

    /** Waits for every queued kernel: ops return once their kernels are queued. */
    @Override
    public void finish() {
        runtime.finish();
    }

    /** The runtime the kernels launch on (for tests of the kernel base). */
    DeviceRuntime runtime() {
        return runtime;
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y) {
        ConvGeometry g = ConvGeometry.of("conv2d", x, w, bias, spec, y);
        ImplicitGemmKernel k = gemmFor(g.outChannels(), g.batch() * g.outPlane(), 1);
        synchronized (DeviceRuntime.LOCK) {
            setConvolution(k, ImplicitGemmKernel.CONV_FORWARD, g, storage(w), storage(x), storage(y));
            k.bias = bias == null ? ABSENT : storage(bias);
            k.hasBias = bias == null ? 0 : 1;
            k.m = g.outChannels();
            k.k = g.patchSize();
            k.n = g.batch() * g.outPlane();
            k.writes(k.c);
            k.launchTiles(1);
        }
    }

    @Override
    public void conv2dBackward(Tensor x, Tensor w, Tensor dy, Conv2dSpec spec, Tensor dx, Tensor dw, Tensor dbias) {
        ConvGeometry g = OpChecks.conv2dBackward(x, w, dy, spec, dx, dw, dbias);
        ImplicitGemmKernel k = gemmFor(g.inChannels(), g.batch() * g.inPlane(), 1);
        synchronized (DeviceRuntime.LOCK) {
            if (dx != null) {
                setConvolution(k, ImplicitGemmKernel.CONV_INPUT_GRAD, g, storage(w), storage(dy), storage(dx));
                k.m = g.inChannels();
                k.k = g.outChannels() * spec.kernel() * spec.kernel();
                k.n = g.batch() * g.inPlane();
                k.updates(k.c);
                k.launchTiles(1);
            }
            addWeightGradient(g, storage(x), storage(dy), storage(dw));
        }
        if (dbias != null) {
            addChannelVectorBackward(dy, dbias);
        }
    }

    /**
     * {@code dw += dY·im2col(x)ᵀ}, cut along its inner dimension where its tiles alone would leave compute units idle:
     * each slice writes a partial dw, and the partials are added into dw in slice order (as the sums over a batch,
     * here the slices, of one-position channels, here dw's elements).
     */
    private void addWeightGradient(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        int m = g.outChannels(), n = g.patchSize(), depth = g.batch() * g.outPlane();
        if (m == 0 || n == 0) {
            // No weights (no input or no output channels): nothing to add, and no tiles to cut.
            return;
        }
        ImplicitGemmKernel k = tiles.wideWhenCut(m, n) ? wideGemm : gemm;
        WeightGradientSplit split = WeightGradientSplit.of(m, n, depth, threads(), k.tile());
        boolean cut = split.splits() > 1;
        if (cut && weightGradientPartials.length < split.partialSize(m, n)) {
            weightGradientPartials = new float[Math.toIntExact(split.partialSize(m, n))];
        }
        setConvolution(k, ImplicitGemmKernel.CONV_WEIGHT_GRAD, g, dy, x, cut ? weightGradientPartials : dw);
        k.m = m;
        k.k = depth;
        k.n = n;
        k.splitDepth = split.depth();
        k.partialSums = cut ? 1 : 0;
        k.output(k.c, !cut);
        k.launchTiles(split.splits());
        if (cut) {
            addPlaneSums(weightGradientPartials, dw, split.splits(), m * n, 1, false);
        }
    }

    /** The kernel for an m×n product over {@code batch} entries ({@link GemmTiles}). */
    private ImplicitGemmKernel gemmFor(int m, int n, int batch) {
        return tiles.wide(m, n, batch, threads()) ? wideGemm : gemm;
    }

    private static void setConvolution(ImplicitGemmKernel k, int mode, ConvGeometry g, float[] a, float[] b,
                                       float[] c) {
        k.mode = mode;
        k.a = a;
        k.b = b;
        k.c = c;
        k.bias = ABSENT;
        k.hasBias = 0;
        k.splitDepth = 0;
        k.partialSums = 0;
        k.inChannels = g.inChannels();
        k.height = g.height();
        k.width = g.width();
        k.outChannels = g.outChannels();
        k.outHeight = g.outHeight();
        k.outWidth = g.outWidth();
        k.kernelSize = g.spec().kernel();
        k.stride = g.spec().stride();
        k.padding = g.spec().padding();
    }

    // ---------------------------------------------------------------- matrix products

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, boolean accumulate) {
        MatmulGeometry g = MatmulGeometry.of(a, transA, b, transB, c);
        synchronized (DeviceRuntime.LOCK) {
            product(storage(a), transA, g.strideA(), storage(b), transB, g.strideB(), storage(c), g.strideC(),
                    g.batch(), g.m(), g.n(), g.k(), alpha, accumulate);
        }
    }

    /**
     * {@code C = α·op(A)·op(B) (+ C)}, m×n over {@code depth}, for each of {@code batch} entries (entry e of each
     * array at e times its stride, 0 for one shared by all), on the kernel {@link GemmTiles} picks. Under the
     * runtime's lock.
     */
    private void product(float[] a, boolean transA, int strideA, float[] b, boolean transB, int strideB, float[] c,
                         int strideC, int batch, int m, int n, int depth, float alpha, boolean accumulate) {
        ImplicitGemmKernel k = gemmFor(m, n, batch);
        k.mode = ImplicitGemmKernel.MATMUL;
        k.a = a;
        k.b = b;
        k.c = c;
        k.bias = ABSENT;
        k.m = m;
        k.n = n;
        k.k = depth;
        k.strideA = strideA;
        k.strideB = strideB;
        k.strideC = strideC;
        k.transA = transA ? 1 : 0;
        k.transB = transB ? 1 : 0;
        k.accumulate = accumulate ? 1 : 0;
        k.alpha = alpha;
        k.output(k.c, accumulate);
        k.launchTiles(batch);
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void groupNorm(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor y, Tensor mean,
                          Tensor rstd) {
        GroupNormGeometry g = OpChecks.groupNorm(x, gamma, beta, groups, y, mean, rstd);
        GroupNormKernel k = groupNorm;
        synchronized (DeviceRuntime.LOCK) {
            k.x = distinct(storage(x), storage(y));
            k.y = storage(y);
            k.mean = storage(mean);
            k.rstd = storage(rstd);
            k.gamma = gamma == null ? ABSENT : storage(gamma);
            k.beta = beta == null ? ABSENT : storage(beta);
            k.hasGamma = gamma == null ? 0 : 1;
            k.hasBeta = beta == null ? 0 : 1;
            k.channels = g.channels();
            k.groups = groups;
            k.spatial = g.spatial();
            k.eps = eps;
            k.statItems = g.batch() * groups;
            k.items = x.size();
            k.writes(k.y);
            k.writes(k.mean);
            k.writes(k.rstd);
            k.launch(Math.max(k.items, k.statItems * DeviceKernel.GROUP_SIZE), 2);
        }
    }

    @Override
    public void groupNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy, int groups,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        GroupNormGeometry g = OpChecks.groupNormBackward(x, gamma, mean, rstd, dy, groups, dx, dgamma, dbeta);
        GroupNormBackwardKernel k = groupNormBackward;
        synchronized (DeviceRuntime.LOCK) {
            k.ensureScratch(g.batch(), g.channels(), groups);
            k.x = storage(x);
            k.mean = storage(mean);
            k.rstd = storage(rstd);
            k.dy = storage(dy);
            k.gamma = gamma == null ? ABSENT : storage(gamma);
            k.dx = dx == null ? ABSENT : storage(dx);
            k.dgamma = dgamma == null ? ABSENT : storage(dgamma);
            k.dbeta = dbeta == null ? ABSENT : storage(dbeta);
            k.hasGamma = gamma == null ? 0 : 1;
            k.hasDx = dx == null ? 0 : 1;
            k.hasDgamma = dgamma == null ? 0 : 1;
            k.hasDbeta = dbeta == null ? 0 : 1;
            k.batch = g.batch();
            k.channels = g.channels();
            k.groups = groups;
            k.spatial = g.spatial();
            k.statItems = g.batch() * groups;
            k.items = x.size();
            if (dx != null) {
                k.writes(storage(dx));
            }
            for (Tensor acc : new Tensor[] {dgamma, dbeta}) {
                if (acc != null) {
                    k.updates(storage(acc));
                }
            }
            k.writes(k.channelSums);
            k.writes(k.groupSums);
            // One item per element, or a work group per plane where planes are smaller than groups, covers every role.
            k.launch(Math.max(k.items, g.batch() * g.channels() * DeviceKernel.GROUP_SIZE), 3);
        }
    }

    // ---------------------------------------------------------------- activations

    @Override
    public void silu(Tensor x, Tensor y) {
        ShapeCheck.requireSameShape("silu", "x", x, "y", y);
        elementwise(ElementwiseKernel.SILU, x, null, y, 0f, false);
    }

    @Override
    public void siluBackward(Tensor x, Tensor dy, Tensor dx) {
        ShapeCheck.requireSameShape("siluBackward", "x", x, "dy", dy);
        ShapeCheck.requireSameShape("siluBackward", "x", x, "dx", dx);
        elementwise(ElementwiseKernel.SILU_BACKWARD, x, dy, dx, 0f, true);
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        ShapeCheck.requireSameShape("softmax", "x", x, "y", y);
        ShapeCheck.requireRank("softmax", "x", x, 1);
        softmax(SoftmaxKernel.FORWARD, x, null, y);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        ShapeCheck.requireSameShape("softmaxBackward", "y", y, "dy", dy);
        ShapeCheck.requireSameShape("softmaxBackward", "y", y, "dx", dx);
        softmax(SoftmaxKernel.BACKWARD, y, dy, dx);
    }

    /** The forward runs in place on one buffer when {@code out} is {@code in}; the backward reads copies of aliases. */
    private void softmax(int mode, Tensor in, Tensor dy, Tensor out) {
        int cols = in.dim(-1);
        boolean inPlace = mode == SoftmaxKernel.FORWARD && storage(in) == storage(out);
        SoftmaxKernel k = softmax;
        synchronized (DeviceRuntime.LOCK) {
            k.in = inPlace ? ABSENT : distinct(storage(in), storage(out));
            k.readOut = inPlace ? 1 : 0;
            k.dy = dy == null ? ABSENT : distinct(storage(dy), storage(out));
            k.out = storage(out);
            k.cols = cols;
            k.mode = mode;
            k.items = cols == 0 ? 0 : in.size() / cols;
            k.output(k.out, inPlace || dy != null);
            k.launch(k.items, 1);
        }
    }

    // ---------------------------------------------------------------- attention

    /**
     * The attention products run on the tiled GEMM kernels, each image's matrices where they lie ({@code [C, T]} for q,
     * k, v and out, {@code [T, T]} for the scores): {@code S = QᵀK/√C}, the softmax in place, {@code out = V·Pᵀ}.
     */
    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor out, Tensor probs) {
        AttentionGeometry g = AttentionGeometry.of("attention", q, k, v, out, probs);
        int c = g.channels(), t = g.positions(), image = c * t, scores = t * t;
        float scale = (float) (1.0 / Math.sqrt(c));
        synchronized (DeviceRuntime.LOCK) {
            product(storage(q), true, image, storage(k), false, image, storage(probs), scores, g.batch(), t, t, c,
                    scale, false);
        }
        softmax(probs, probs);
        synchronized (DeviceRuntime.LOCK) {
            product(storage(v), false, image, storage(probs), true, scores, storage(out), image, g.batch(), c, t, t,
                    1f, false);
        }
    }

    /**
     * {@code dV += dO·P}; {@code dP = dOᵀ·V} into a device-only buffer, turned into the scores' gradient
     * {@code dS = P ⊙ (dP − rowsum(dP ⊙ P))/√C} in place ({@link AttentionScoreGradientKernel}); then
     * {@code dQ += K·dSᵀ} and {@code dK += Q·dS}.
     */
    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor dout, Tensor dq, Tensor dk,
            Tensor dv) {
        AttentionGeometry g = OpChecks.attentionBackward(q, k, v, probs, dout, dq, dk, dv);
        int c = g.channels(), t = g.positions(), batch = g.batch(), image = c * t, scores = t * t;
        AttentionScoreGradientKernel kernel = attentionScoreGradient;
        synchronized (DeviceRuntime.LOCK) {
            kernel.ensureScratch(probs.size(), batch * t);
            float[] dS = kernel.scoreGrad;
            product(storage(dout), false, image, storage(probs), false, scores, storage(dv), image, batch, c, t, t, 1f,
                    true);
            product(storage(dout), true, image, storage(v), false, image, dS, scores, batch, t, t, c, 1f, false);
            kernel.probs = storage(probs);
            kernel.positions = t;
            kernel.scale = (float) (1.0 / Math.sqrt(c));
            kernel.scoreItems = probs.size();
            kernel.rowItems = batch * t;
            kernel.writes(kernel.rowDot);
            kernel.updates(kernel.scoreGrad);
            kernel.launch(kernel.scoreItems, 2);
            product(storage(k), false, image, dS, true, scores, storage(dq), image, batch, c, t, t, 1f, true);
            product(storage(q), false, image, dS, false, scores, storage(dk), image, batch, c, t, t, 1f, true);
        }
    }

    // ---------------------------------------------------------------- resampling and layout

    @Override
    public void upsample2x(Tensor x, Tensor y) {
        OpChecks.upsample2x("upsample2x", "x", x, "y", y);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        layout(LayoutKernel.UPSAMPLE, storage(x), ABSENT, storage(y), h, w, 0, 0, 0, y.size(), false);
    }

    @Override
    public void upsample2xBackward(Tensor dy, Tensor dx) {
        OpChecks.upsample2x("upsample2xBackward", "dx", dx, "dy", dy);
        int n = dx.dim(0), c = dx.dim(1), h = dx.dim(2), w = dx.dim(3);
        layout(LayoutKernel.UPSAMPLE_BACKWARD, storage(dy), ABSENT, storage(dx), h, w, 0, 0, 0, dx.size(), true);
    }

    @Override
    public void concatChannels(Tensor a, Tensor b, Tensor out) {
        ChannelConcat cc = ChannelConcat.of("concatChannels", a, b, out);
        layout(LayoutKernel.CONCAT, storage(a), storage(b), storage(out), 0, 0, cc.sizeA(),
                cc.sizeB(), 0, out.size(), false);
    }

    @Override
    public void splitChannelsBackward(Tensor dout, Tensor da, Tensor db) {
        ChannelConcat cc = ChannelConcat.of("splitChannelsBackward", da, db, dout);
        if (da != null) {
            layout(LayoutKernel.SPLIT, storage(dout), ABSENT, storage(da), 0, 0, cc.sizeA(), cc.sizeB(), 0,
                    da.size(), true);
        }
        if (db != null) {
            layout(LayoutKernel.SPLIT, storage(dout), ABSENT, storage(db), 0, 0, cc.sizeB(), cc.sizeA(),
                    cc.sizeA(), db.size(), true);
        }
    }

    private void layout(int mode, float[] src, float[] src2, float[] dst, int height, int width, int sizeA,
                        int sizeB, int offset, int items, boolean accumulate) {
        LayoutKernel k = layout;
        synchronized (DeviceRuntime.LOCK) {
            k.src = src;
            k.src2 = src2;
            k.dst = dst;
            k.height = height;
            k.width = width;
            k.sizeA = sizeA;
            k.sizeB = sizeB;
            k.offset = offset;
            k.mode = mode;
            k.items = items;
            k.output(dst, accumulate);
            k.launch(items, 1);
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        OpChecks.elementwise("add", a, b, out);
        elementwise(ElementwiseKernel.ADD, a, b, out, 0f, false);
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        OpChecks.elementwise("mul", a, b, out);
        elementwise(ElementwiseKernel.MUL, a, b, out, 0f, false);
    }

    @Override
    public void scale(Tensor a, float s, Tensor out) {
        ShapeCheck.requireSameShape("scale", "a", a, "out", out);
        elementwise(ElementwiseKernel.SCALE, a, null, out, s, false);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        ShapeCheck.requireSameShape("axpy", "x", x, "y", y);
        elementwise(ElementwiseKernel.AXPY, x, null, y, alpha, true);
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        ShapeCheck.requireSameShape("axpby", "x", x, "y", y);
        elementwise(ElementwiseKernel.AXPBY, x, null, y, alpha, beta, true);
    }

    @Override
    public void addProduct(Tensor a, Tensor b, Tensor out) {
        OpChecks.elementwise("addProduct", a, b, out);
        elementwise(ElementwiseKernel.ADD_PRODUCT, a, b, out, 0f, true);
    }

    /**
     * {@code b} is null for the unary modes. An output that aliases {@code a} (or {@code b} of a commutative op) runs
     * in place on one device buffer; the accumulating modes read a copy of an aliased input.
     */
    private void elementwise(int mode, Tensor a, Tensor b, Tensor out, float alpha, boolean accumulate) {
        elementwise(mode, a, b, out, alpha, 0f, accumulate);
    }

    /** {@link #elementwise(int, Tensor, Tensor, Tensor, float, boolean)} with {@code beta} for {@code AXPBY}. */
    private void elementwise(int mode, Tensor a, Tensor b, Tensor out, float alpha, float beta, boolean accumulate) {
        if (!accumulate && b != null && storage(b) == storage(out) && storage(a) != storage(out)
                && (mode == ElementwiseKernel.ADD || mode == ElementwiseKernel.MUL)) {
            Tensor swap = a;
            a = b;
            b = swap;
        }
        boolean inPlace = !accumulate && storage(a) == storage(out);
        ElementwiseKernel k = elementwise;
        synchronized (DeviceRuntime.LOCK) {
            k.out = storage(out);
            k.readOut = inPlace ? 1 : 0;
            k.a = inPlace ? ABSENT : distinct(storage(a), storage(out));
            k.b = b == null ? ABSENT : distinct(storage(b), storage(out));
            k.alpha = alpha;
            k.beta = beta;
            k.mode = mode;
            k.items = out.size();
            k.output(k.out, inPlace || accumulate);
            k.launch(k.items, 1);
        }
    }

    @Override
    public void addChannelVector(Tensor x, Tensor v, Tensor out) {
        ChannelVector cv = ChannelVector.of("addChannelVector", x, v);
        ShapeCheck.requireSameShape("addChannelVector", "x", x, "out", out);
        boolean inPlace = storage(x) == storage(out);
        ChannelVectorKernel k = channelVector;
        synchronized (DeviceRuntime.LOCK) {
            k.x = inPlace ? ABSENT : storage(x);
            k.readOut = inPlace ? 1 : 0;
            k.v = distinct(storage(v), storage(out));
            k.out = storage(out);
            setChannelVectorAdd(k, cv, out.size());
            k.output(k.out, inPlace);
            k.launch(k.items, 1);
        }
    }

    @Override
    public void addChannelVectorBackward(Tensor dy, Tensor dv) {
        ChannelVector cv = ChannelVector.of("addChannelVectorBackward", dy, dv);
        synchronized (DeviceRuntime.LOCK) {
            addPlaneSums(storage(dy), storage(dv), cv.batch(), cv.channels(), cv.spatial(), cv.perSample());
        }
    }

    /**
     * {@code dv += } the sums of x's {@code [batch, channels, spatial]} planes: per sample into a {@code [batch,
     * channels]} dv, else over the samples too into a {@code [channels]} one.
     */
    private void addPlaneSums(float[] x, float[] dv, int batch, int channels, int spatial, boolean perSample) {
        ChannelVectorKernel k = channelVector;
        k.ensureScratch(perSample ? 1 : batch * channels);
        k.x = x;
        k.v = dv;
        k.out = ABSENT;
        k.readOut = 0;
        k.batch = batch;
        k.channels = channels;
        k.spatial = spatial;
        k.perSample = perSample ? 1 : 0;
        k.mode = ChannelVectorKernel.BACKWARD;
        k.updates(k.v);
        if (!perSample) {
            k.writes(k.planeSums);
        }
        k.launchBackward();
    }

    private static void setChannelVectorAdd(ChannelVectorKernel k, ChannelVector cv, int items) {
        k.batch = cv.batch();
        k.channels = cv.channels();
        k.spatial = cv.spatial();
        k.perSample = cv.perSample() ? 1 : 0;
        k.mode = ChannelVectorKernel.ADD;
        k.items = items;
    }

    // ---------------------------------------------------------------- noise

    @Override
    public void gaussianNoise(long seed, Tensor out) {
        CounterRandomKernel k = random;
        synchronized (DeviceRuntime.LOCK) {
            k.mode = CounterRandomKernel.NOISE;
            k.x = ABSENT;
            k.mask = ABSENT;
            k.y = storage(out);
            k.seed = seed;
            k.items = out.size();
            k.writes(k.y);
            k.launch(k.items, 1);
        }
    }

    // ---------------------------------------------------------------- dropout

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor y, Tensor mask) {
        OpChecks.dropout(x, p, y, mask);
        CounterRandomKernel k = random;
        synchronized (DeviceRuntime.LOCK) {
            k.mode = CounterRandomKernel.DROPOUT;
            boolean inPlace = storage(x) == storage(y);
            k.x = inPlace ? ABSENT : storage(x);
            k.readY = inPlace ? 1 : 0;
            k.y = storage(y);
            k.mask = storage(mask);
            k.seed = seed;
            k.p = p;
            k.keepScale = 1f / (1f - p);
            k.items = x.size();
            k.output(k.y, inPlace);
            k.writes(k.mask);
            k.launch(k.items, 1);
        }
    }

    // ---------------------------------------------------------------- per-sample arithmetic

    @Override
    public void combinePerSample(Tensor x, float[] a, Tensor y, float[] c, Tensor out) {
        int per = PerSample.check("combinePerSample", x, a, y, c, out);
        PerSampleKernel k = perSample;
        synchronized (DeviceRuntime.LOCK) {
            float[] o = storage(out), xs = storage(x), ys = storage(y);
            k.out = o;
            k.xIsOut = xs == o ? 1 : 0;
            k.yIsOut = ys == o ? 1 : 0;
            k.x = xs == o ? ABSENT : xs;
            k.y = ys == o ? ABSENT : ys;
            perSampleA = hostValues(perSampleA, a);
            perSampleC = hostValues(perSampleC, c);
            k.a = perSampleA;
            k.c = perSampleC;
            k.perSample = per;
            k.mode = PerSampleKernel.COMBINE;
            k.items = out.size();
            k.output(k.out, xs == o || ys == o);
            k.launch(k.items, 1);
        }
    }

    /**
     * {@code values} in an array this backend keeps (grown only), marked newer on the host so that the launch
     * uploads it: the device tracks arrays by identity, so neither the caller's array (which it may refill) nor a
     * fresh copy per call (a device buffer per call) is bound.
     */
    private float[] hostValues(float[] held, float[] values) {
        float[] into = held.length >= values.length ? held : new float[values.length];
        System.arraycopy(values, 0, into, 0, values.length);
        runtime.overwrittenOnHost(into, false);
        return into;
    }

    @Override
    public void clamp(Tensor x, float lo, float hi, Tensor out) {
        ShapeCheck.requireSameShape("clamp", "x", x, "out", out);
        PerSampleKernel k = perSample;
        synchronized (DeviceRuntime.LOCK) {
            float[] o = storage(out), xs = storage(x);
            k.out = o;
            k.xIsOut = xs == o ? 1 : 0;
            k.yIsOut = 0;
            k.x = xs == o ? ABSENT : xs;
            k.y = ABSENT;
            k.a = ABSENT;
            k.c = ABSENT;
            k.perSample = 1;
            k.lo = lo;
            k.hi = hi;
            k.mode = PerSampleKernel.CLAMP;
            k.items = out.size();
            k.output(k.out, xs == o);
            k.launch(k.items, 1);
        }
    }

    // ---------------------------------------------------------------- losses and reductions

    @Override
    public double mseLoss(Tensor pred, Tensor target) {
        ShapeCheck.requireSameShape("mseLoss", "pred", pred, "target", target);
        return reduce(ReductionKernel.SQUARED_DIFFERENCE, pred, target) / pred.size();
    }

    @Override
    public void mseLossBackward(Tensor pred, Tensor target, float gradScale, Tensor dpred) {
        ShapeCheck.requireSameShape("mseLossBackward", "pred", pred, "target", target);
        ShapeCheck.requireSameShape("mseLossBackward", "pred", pred, "dpred", dpred);
        elementwise(ElementwiseKernel.DIFFERENCE_AXPY, pred, target, dpred, (float) (2.0 * gradScale / pred.size()),
                true);
    }

    @Override
    public void meanSquaredErrorPerSample(Tensor pred, Tensor target, double[] out) {
        int per = PerSample.checkReduction("meanSquaredErrorPerSample", pred, target, out);
        reduceSegments(ReductionKernel.SQUARED_DIFFERENCE, pred, target, per, out);
        for (int s = 0; s < out.length; s++) {
            out[s] /= per;
        }
    }

    @Override
    public double sum(Tensor x) {
        return reduce(ReductionKernel.SUM, x, null);
    }

    @Override
    public double sumOfSquares(Tensor x) {
        return reduce(ReductionKernel.SUM_OF_SQUARES, x, null);
    }

    /**
     * Each tensor's chunk partials into its own slice of one buffer, one launch per tensor, and one read of the
     * buffer for all of them: the host waits for the device once (a U-Net's gradient norm reduces a few hundred
     * tensors every step).
     */
    @Override
    public void sumsOfSquares(List<Tensor> xs, double[] out) {
        OpChecks.perTensor("sumsOfSquares", xs, out);
        if (xs.isEmpty()) {
            return;
        }
        int[] firstChunk = new int[xs.size() + 1];
        for (int i = 0; i < xs.size(); i++) {
            firstChunk[i + 1] = firstChunk[i] + chunksOf(xs.get(i).size());
        }
        synchronized (DeviceRuntime.LOCK) {
            for (int i = 0; i < xs.size(); i++) {
                Tensor x = xs.get(i);
                launchReduction(ReductionKernel.SUM_OF_SQUARES, x, null, x.size(), firstChunk, i, i + 1);
            }
            sumPartials(firstChunk, out);
        }
    }

    /** Chunk partials on the device, their sum in double on the host; {@code b} is null for the one-input modes. */
    private double reduce(int mode, Tensor a, Tensor b) {
        double[] total = new double[1];
        reduceSegments(mode, a, b, a.size(), total);
        return total[0];
    }

    /**
     * The reduction of each run of {@code segment} elements into {@code out} (one entry per segment): chunk partials
     * on the device, each segment's sum of them in double on the host.
     */
    private void reduceSegments(int mode, Tensor a, Tensor b, int segment, double[] out) {
        int[] firstChunk = new int[out.length + 1];
        for (int s = 0; s <= out.length; s++) {
            firstChunk[s] = s * chunksOf(segment);
        }
        synchronized (DeviceRuntime.LOCK) {
            launchReduction(mode, a, b, segment, firstChunk, 0, out.length);
            sumPartials(firstChunk, out);
        }
    }

    /** The reduction kernel's chunks over a segment of {@code size} elements: one at least. */
    private static int chunksOf(int size) {
        return Math.max(1, Math.ceilDiv(size, ReductionKernel.CHUNK));
    }

    /**
     * Under the runtime's lock, one launch of the reduction of {@code a} (and {@code b}, null for the one-input
     * modes) in runs of {@code segment} elements: the partials of the slices [firstChunk[from], firstChunk[to]) of a
     * buffer whose slices {@code firstChunk} lists, for {@link #sumPartials} to read back.
     */
    private void launchReduction(int mode, Tensor a, Tensor b, int segment, int[] firstChunk, int from, int to) {
        ReductionKernel k = reduction;
        int chunks = firstChunk[firstChunk.length - 1];
        // Grow only: gradient clipping reduces every parameter tensor, each of another size, every step.
        if (k.partial.length < chunks) {
            k.partial = new float[chunks];
        }
        k.a = storage(a);
        k.b = b == null ? ABSENT : storage(b);
        k.segment = segment;
        k.chunksPerSegment = chunksOf(segment);
        k.mode = mode;
        k.partialOffset = firstChunk[from];
        k.items = firstChunk[to] - firstChunk[from];
        // Nothing of the buffer is read: the first launch takes it without an upload, the later ones keep the slices
        // written before them.
        k.output(k.partial, from > 0);
        k.launch(k.items, 1);
    }

    /** Reads the reduction's partials back and sums slice i, [firstChunk[i], firstChunk[i + 1]), into out[i]. */
    private void sumPartials(int[] firstChunk, double[] out) {
        ReductionKernel k = reduction;
        k.readBack(k.partial);
        for (int i = 0; i < out.length; i++) {
            double total = 0;
            for (int c = firstChunk[i]; c < firstChunk[i + 1]; c++) {
                total += k.partial[c];
            }
            out[i] = total;
        }
    }

    // ---------------------------------------------------------------- optimiser

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, AdamCoefficients c) {
        OpChecks.adamUpdate(param, grad, m, v);
        AdamKernel k = adam;
        synchronized (DeviceRuntime.LOCK) {
            k.param = storage(param);
            k.grad = storage(grad);
            k.m = storage(m);
            k.v = storage(v);
            k.stepSize = c.stepSize();
            k.beta1 = c.beta1();
            k.beta2 = c.beta2();
            k.invSqrtC2 = c.invSqrtC2();
            k.eps = c.eps();
            k.items = param.size();
            k.updates(k.param);
            k.updates(k.m);
            k.updates(k.v);
            k.launch(k.items, 1);
        }
    }

    /**
     * {@code input}, or a copy of it when it is the same array as the output {@code other}: the kernels are written
     * for an output distinct from their inputs (two inputs may share a buffer), so an op whose output aliases an
     * input outside the in-place paths reads a copy, made from the current values.
     */
    private float[] distinct(float[] input, float[] other) {
        if (input != other) {
            return input;
        }
        runtime.arrays().toHost(input);
        return input.clone();
    }

    /**
     * The tensor's array as the kernels bind it: no host synchronisation (the device copy may be the newer one). Zeros
     * that the host array does not hold yet are taken over: cleared on the device, written on the host only if the
     * host reads the tensor before a kernel overwrites it.
     */
    private float[] storage(Tensor t) {
        boolean zerosPending = TensorArrays.takePendingZeros(t);
        float[] array = TensorArrays.forDevice(t, runtime);
        boolean knownZero = TensorArrays.takeKnownZero(t);
        if (zerosPending) {
            runtime.zerosOwedToHost(array);
        } else if (knownZero) {
            runtime.knownZero(array);
        }
        return array;
    }
}

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
import org.ddpm4j.tensor.ShapeCheck;
import org.ddpm4j.tensor.Tensor;

/**
 * The engine on an OpenCL device through Aparapi: every op of {@link Backend}, forward and backward, and the Adam
 * update run as Aparapi kernels in explicit-transfer mode (see {@link DeviceKernel} for what moves when).
 *
 * <p>Creating the backend compiles every kernel with a small probe run. If Aparapi cannot run one of them on the
 * device, creation fails with {@link OpenClFallbackException} instead of silently computing on Aparapi's Java
 * thread pool; every later launch is checked the same way.
 *
 * <p>Kernels accumulate in float32 in a different order from the double-accumulating scalar reference; the tests
 * hold them to the same tolerances as the SIMD backend.
 */
public final class OpenClBackend implements Backend {
    /**
     * Bound to every array argument that an op does not use (an absent bias, γ or gradient), since Aparapi needs an
     * array in each: the kernels never touch it and it is never transferred. Arrays that a launch does read or write
     * must be distinct (see {@link #distinct}).
     */
    private static final float[] ABSENT = new float[1];

    private final OpenCLDevice device;
    private final TransferCounter transfers = new TransferCounter();
    private final ImplicitGemmKernel gemm;
    private final GroupNormKernel groupNorm;
    private final GroupNormBackwardKernel groupNormBackward;
    private final SoftmaxKernel softmax;
    private final AttentionKernel attention;
    private final AttentionBackwardKernel attentionBackward;
    private final ElementwiseKernel elementwise;
    private final DropoutKernel dropout;
    private final LayoutKernel layout;
    private final ChannelVectorKernel channelVector;
    private final ReductionKernel reduction;
    private final AdamKernel adam;

    private OpenClBackend(OpenCLDevice device) {
        this.device = device;
        gemm = new ImplicitGemmKernel(device, transfers);
        groupNorm = new GroupNormKernel(device, transfers);
        groupNormBackward = new GroupNormBackwardKernel(device, transfers);
        softmax = new SoftmaxKernel(device, transfers);
        attention = new AttentionKernel(device, transfers);
        attentionBackward = new AttentionBackwardKernel(device, transfers);
        elementwise = new ElementwiseKernel(device, transfers);
        dropout = new DropoutKernel(device, transfers);
        layout = new LayoutKernel(device, transfers);
        channelVector = new ChannelVectorKernel(device, transfers);
        reduction = new ReductionKernel(device, transfers);
        adam = new AdamKernel(device, transfers);
    }

    /**
     * The backend on the device chosen by {@value OpenClDevices#DEVICE_PROPERTY}, with every kernel compiled.
     *
     * @throws OpenClUnavailableException when there is no OpenCL device (or not the one asked for)
     * @throws OpenClFallbackException    when a kernel does not run on the device
     */
    public static OpenClBackend create() {
        return on(OpenClDevices.select());
    }

    /** The backend on {@code device}, with every kernel compiled (same exceptions as {@link #create()}). */
    public static OpenClBackend on(OpenCLDevice device) {
        OpenClBackend backend = new OpenClBackend(device);
        try {
            KernelProbe.runAll(backend);
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
        return transfers.snapshot();
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

    @Override
    public void shutdown() {
        for (DeviceKernel k : List.of(gemm, groupNorm,
                groupNormBackward, softmax, attention, attentionBackward, elementwise, dropout, layout,
                channelVector, reduction, adam)) {
            synchronized (k) {
                k.dispose();
            }
        }
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y) {
        ConvGeometry g = ConvGeometry.of("conv2d", x, w, bias, spec, y);
        ImplicitGemmKernel k = gemm;
        synchronized (k) {
            setConvolution(k, ImplicitGemmKernel.CONV_FORWARD, g, w.data(), x.data(), y.data());
            k.bias = bias == null ? ABSENT : bias.data();
            k.hasBias = bias == null ? 0 : 1;
            k.m = g.outChannels();
            k.k = g.patchSize();
            k.n = g.batch() * g.outPlane();
            k.upload(k.a);
            k.upload(k.b);
            if (bias != null) {
                k.upload(k.bias);
            }
            k.launchTiles(1);
            k.download(k.c);
        }
    }

    @Override
    public void conv2dBackward(Tensor x, Tensor w, Tensor dy, Conv2dSpec spec, Tensor dx, Tensor dw, Tensor dbias) {
        ConvGeometry g = OpChecks.conv2dBackward(x, w, dy, spec, dx, dw, dbias);
        ImplicitGemmKernel k = gemm;
        synchronized (k) {
            if (dx != null) {
                setConvolution(k, ImplicitGemmKernel.CONV_INPUT_GRAD, g, w.data(), dy.data(), dx.data());
                k.m = g.inChannels();
                k.k = g.outChannels() * spec.kernel() * spec.kernel();
                k.n = g.batch() * g.inPlane();
                k.upload(k.a);
                k.upload(k.b);
                k.upload(k.c);
                k.launchTiles(1);
                k.download(k.c);
            }
            setConvolution(k, ImplicitGemmKernel.CONV_WEIGHT_GRAD, g, dy.data(), x.data(), dw.data());
            k.m = g.outChannels();
            k.k = g.batch() * g.outPlane();
            k.n = g.patchSize();
            k.upload(k.a);
            k.upload(k.b);
            k.upload(k.c);
            k.launchTiles(1);
            k.download(k.c);
        }
        if (dbias != null) {
            addChannelVectorBackward(dy, dbias);
        }
    }

    private static void setConvolution(ImplicitGemmKernel k, int mode, ConvGeometry g, float[] a, float[] b,
                                       float[] c) {
        k.mode = mode;
        k.a = a;
        k.b = b;
        k.c = c;
        k.bias = ABSENT;
        k.hasBias = 0;
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
        ImplicitGemmKernel k = gemm;
        synchronized (k) {
            k.mode = ImplicitGemmKernel.MATMUL;
            k.a = a.data();
            k.b = distinct(b.data(), a.data());
            k.c = c.data();
            k.bias = ABSENT;
            k.m = g.m();
            k.n = g.n();
            k.k = g.k();
            k.strideA = g.strideA();
            k.strideB = g.strideB();
            k.strideC = g.strideC();
            k.transA = transA ? 1 : 0;
            k.transB = transB ? 1 : 0;
            k.accumulate = accumulate ? 1 : 0;
            k.alpha = alpha;
            k.upload(k.a);
            k.upload(k.b);
            if (accumulate) {
                k.upload(k.c);
            }
            k.launchTiles(g.batch());
            k.download(k.c);
        }
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void groupNorm(Tensor x, Tensor gamma, Tensor beta, int groups, float eps, Tensor y, Tensor mean,
                          Tensor rstd) {
        GroupNormGeometry g = OpChecks.groupNorm(x, gamma, beta, groups, y, mean, rstd);
        GroupNormKernel k = groupNorm;
        synchronized (k) {
            k.x = distinct(x.data(), y.data());
            k.y = y.data();
            k.mean = mean.data();
            k.rstd = rstd.data();
            k.gamma = gamma == null ? ABSENT : gamma.data();
            k.beta = beta == null ? ABSENT : beta.data();
            k.hasGamma = gamma == null ? 0 : 1;
            k.hasBeta = beta == null ? 0 : 1;
            k.channels = g.channels();
            k.groups = groups;
            k.spatial = g.spatial();
            k.eps = eps;
            k.statItems = g.batch() * groups;
            k.items = x.size();
            k.upload(k.x);
            if (gamma != null) {
                k.upload(k.gamma);
            }
            if (beta != null) {
                k.upload(k.beta);
            }
            k.launch(Math.max(k.items, k.statItems), 2);
            k.download(k.y);
            k.download(k.mean);
            k.download(k.rstd);
        }
    }

    @Override
    public void groupNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy, int groups,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        GroupNormGeometry g = OpChecks.groupNormBackward(x, gamma, mean, rstd, dy, groups, dx, dgamma, dbeta);
        GroupNormBackwardKernel k = groupNormBackward;
        synchronized (k) {
            k.ensureScratch(g.batch() * groups);
            k.x = x.data();
            k.mean = mean.data();
            k.rstd = rstd.data();
            k.dy = dy.data();
            k.gamma = gamma == null ? ABSENT : gamma.data();
            k.dx = dx == null ? ABSENT : dx.data();
            k.dgamma = dgamma == null ? ABSENT : dgamma.data();
            k.dbeta = dbeta == null ? ABSENT : dbeta.data();
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
            for (float[] in : new float[][] {k.x, k.mean, k.rstd, k.dy}) {
                k.upload(in);
            }
            if (gamma != null) {
                k.upload(k.gamma);
            }
            for (Tensor acc : new Tensor[] {dx, dgamma, dbeta}) {
                if (acc != null) {
                    k.upload(acc.data());
                }
            }
            k.launch(Math.max(k.items, Math.max(k.statItems, k.channels)), 2);
            for (Tensor acc : new Tensor[] {dx, dgamma, dbeta}) {
                if (acc != null) {
                    k.download(acc.data());
                }
            }
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
        boolean inPlace = mode == SoftmaxKernel.FORWARD && in.data() == out.data();
        SoftmaxKernel k = softmax;
        synchronized (k) {
            k.in = inPlace ? ABSENT : distinct(in.data(), out.data());
            k.readOut = inPlace ? 1 : 0;
            k.dy = dy == null ? ABSENT : distinct(distinct(dy.data(), out.data()), k.in);
            k.out = out.data();
            k.cols = cols;
            k.mode = mode;
            k.items = cols == 0 ? 0 : in.size() / cols;
            k.upload(inPlace ? k.out : k.in);
            if (dy != null) {
                k.upload(k.dy);
                k.upload(k.out);
            }
            k.launch(k.items, 1);
            k.download(k.out);
        }
    }

    // ---------------------------------------------------------------- attention

    @Override
    public void attention(Tensor qkv, Tensor out, Tensor probs) {
        AttentionGeometry g = AttentionGeometry.of("attention", qkv, out, probs);
        AttentionKernel k = attention;
        synchronized (k) {
            k.qkv = qkv.data();
            k.probs = probs.data();
            k.out = out.data();
            k.channels = g.channels();
            k.positions = g.positions();
            k.scale = (float) (1.0 / Math.sqrt(g.channels()));
            k.scoreItems = probs.size();
            k.rowItems = g.batch() * g.positions();
            k.outItems = out.size();
            k.upload(k.qkv);
            k.launch(Math.max(k.scoreItems, k.outItems), 3);
            k.download(k.probs);
            k.download(k.out);
        }
    }

    @Override
    public void attentionBackward(Tensor qkv, Tensor probs, Tensor dout, Tensor dqkv) {
        AttentionGeometry g = OpChecks.attentionBackward(qkv, probs, dout, dqkv);
        AttentionBackwardKernel k = attentionBackward;
        synchronized (k) {
            k.ensureScratch(probs.size(), g.batch() * g.positions());
            k.qkv = qkv.data();
            k.probs = probs.data();
            k.dout = dout.data();
            k.dqkv = dqkv.data();
            k.channels = g.channels();
            k.positions = g.positions();
            k.scale = (float) (1.0 / Math.sqrt(g.channels()));
            k.scoreItems = probs.size();
            k.rowItems = g.batch() * g.positions();
            k.channelItems = dout.size();
            for (float[] in : new float[][] {k.qkv, k.probs, k.dout, k.dqkv}) {
                k.upload(in);
            }
            k.launch(Math.max(k.scoreItems, k.channelItems), 4);
            k.download(k.dqkv);
        }
    }

    // ---------------------------------------------------------------- resampling and layout

    @Override
    public void upsample2x(Tensor x, Tensor y) {
        OpChecks.upsample2x("upsample2x", "x", x, "y", y);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        layout(LayoutKernel.UPSAMPLE, x.data(), ABSENT, y.data(), h, w, 0, 0, 0, y.size(), false);
    }

    @Override
    public void upsample2xBackward(Tensor dy, Tensor dx) {
        OpChecks.upsample2x("upsample2xBackward", "dx", dx, "dy", dy);
        int n = dx.dim(0), c = dx.dim(1), h = dx.dim(2), w = dx.dim(3);
        layout(LayoutKernel.UPSAMPLE_BACKWARD, dy.data(), ABSENT, dx.data(), h, w, 0, 0, 0, dx.size(), true);
    }

    @Override
    public void concatChannels(Tensor a, Tensor b, Tensor out) {
        ChannelConcat cc = ChannelConcat.of("concatChannels", a, b, out);
        layout(LayoutKernel.CONCAT, a.data(), distinct(b.data(), a.data()), out.data(), 0, 0, cc.sizeA(),
                cc.sizeB(), 0, out.size(), false);
    }

    @Override
    public void splitChannelsBackward(Tensor dout, Tensor da, Tensor db) {
        ChannelConcat cc = ChannelConcat.of("splitChannelsBackward", da, db, dout);
        if (da != null) {
            layout(LayoutKernel.SPLIT, dout.data(), ABSENT, da.data(), 0, 0, cc.sizeA(), cc.sizeB(), 0,
                    da.size(), true);
        }
        if (db != null) {
            layout(LayoutKernel.SPLIT, dout.data(), ABSENT, db.data(), 0, 0, cc.sizeB(), cc.sizeA(),
                    cc.sizeA(), db.size(), true);
        }
    }

    private void layout(int mode, float[] src, float[] src2, float[] dst, int height, int width, int sizeA,
                        int sizeB, int offset, int items, boolean accumulate) {
        LayoutKernel k = layout;
        synchronized (k) {
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
            k.upload(src);
            if (src2 != ABSENT) {
                k.upload(src2);
            }
            if (accumulate) {
                k.upload(dst);
            }
            k.launch(items, 1);
            k.download(dst);
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
    public void addProduct(Tensor a, Tensor b, Tensor out) {
        OpChecks.elementwise("addProduct", a, b, out);
        elementwise(ElementwiseKernel.ADD_PRODUCT, a, b, out, 0f, true);
    }


    /**
     * {@code b} is null for the unary modes. An output that aliases {@code a} (or {@code b} of a commutative op) runs
     * in place on one device buffer; the accumulating modes read a copy of an aliased input.
     */
    private void elementwise(int mode, Tensor a, Tensor b, Tensor out, float alpha, boolean accumulate) {
        if (!accumulate && b != null && b.data() == out.data() && a.data() != out.data()
                && (mode == ElementwiseKernel.ADD || mode == ElementwiseKernel.MUL)) {
            Tensor swap = a;
            a = b;
            b = swap;
        }
        boolean inPlace = !accumulate && a.data() == out.data();
        ElementwiseKernel k = elementwise;
        synchronized (k) {
            k.out = out.data();
            k.readOut = inPlace ? 1 : 0;
            k.a = inPlace ? ABSENT : distinct(a.data(), out.data());
            k.b = b == null ? ABSENT : distinct(distinct(b.data(), out.data()), a.data());
            k.alpha = alpha;
            k.mode = mode;
            k.items = out.size();
            k.upload(inPlace ? k.out : k.a);
            if (b != null) {
                k.upload(k.b);
            }
            if (accumulate) {
                k.upload(k.out);
            }
            k.launch(k.items, 1);
            k.download(k.out);
        }
    }

    @Override
    public void addChannelVector(Tensor x, Tensor v, Tensor out) {
        ChannelVector cv = ChannelVector.of("addChannelVector", x, v);
        ShapeCheck.requireSameShape("addChannelVector", "x", x, "out", out);
        boolean inPlace = x.data() == out.data();
        ChannelVectorKernel k = channelVector;
        synchronized (k) {
            k.x = inPlace ? ABSENT : x.data();
            k.readOut = inPlace ? 1 : 0;
            k.v = distinct(v.data(), out.data());
            k.out = out.data();
            setChannelVector(k, cv, ChannelVectorKernel.ADD, out.size());
            k.upload(inPlace ? k.out : k.x);
            k.upload(k.v);
            k.launch(k.items, 1);
            k.download(k.out);
        }
    }

    @Override
    public void addChannelVectorBackward(Tensor dy, Tensor dv) {
        ChannelVector cv = ChannelVector.of("addChannelVectorBackward", dy, dv);
        ChannelVectorKernel k = channelVector;
        synchronized (k) {
            k.x = dy.data();
            k.v = dv.data();
            k.out = ABSENT;
            k.readOut = 0;
            setChannelVector(k, cv, ChannelVectorKernel.BACKWARD, dv.size());
            k.upload(k.x);
            k.upload(k.v);
            k.launch(k.items, 1);
            k.download(k.v);
        }
    }

    private static void setChannelVector(ChannelVectorKernel k, ChannelVector cv, int mode, int items) {
        k.batch = cv.batch();
        k.channels = cv.channels();
        k.spatial = cv.spatial();
        k.perSample = cv.perSample() ? 1 : 0;
        k.mode = mode;
        k.items = items;
    }

    // ---------------------------------------------------------------- dropout

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor y, Tensor mask) {
        OpChecks.dropout(x, p, y, mask);
        DropoutKernel k = dropout;
        synchronized (k) {
            k.x = distinct(x.data(), y.data());
            k.y = y.data();
            k.mask = mask.data();
            k.seed = seed;
            k.p = p;
            k.keepScale = 1f / (1f - p);
            k.items = x.size();
            k.upload(k.x);
            k.launch(k.items, 1);
            k.download(k.y);
            k.download(k.mask);
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
    public double sum(Tensor x) {
        return reduce(ReductionKernel.SUM, x, null);
    }

    @Override
    public double sumOfSquares(Tensor x) {
        return reduce(ReductionKernel.SUM_OF_SQUARES, x, null);
    }

    /** Chunk partials on the device, their sum in double on the host; {@code b} is null for the one-input modes. */
    private double reduce(int mode, Tensor a, Tensor b) {
        ReductionKernel k = reduction;
        int chunks = (a.size() + ReductionKernel.CHUNK - 1) / ReductionKernel.CHUNK;
        synchronized (k) {
            // Grow only: gradient clipping reduces every parameter tensor, each of another size, every step.
            if (k.partial.length < chunks) {
                k.partial = new float[chunks];
            }
            k.a = a.data();
            k.b = b == null ? ABSENT : distinct(b.data(), k.a);
            k.size = a.size();
            k.mode = mode;
            k.items = chunks;
            k.upload(k.a);
            if (b != null) {
                k.upload(k.b);
            }
            k.launch(chunks, 1);
            k.download(k.partial);
            double total = 0;
            for (int i = 0; i < chunks; i++) {
                total += k.partial[i];
            }
            return total;
        }
    }

    // ---------------------------------------------------------------- optimiser

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, AdamCoefficients c) {
        OpChecks.adamUpdate(param, grad, m, v);
        AdamKernel k = adam;
        synchronized (k) {
            k.param = param.data();
            k.grad = grad.data();
            k.m = m.data();
            k.v = v.data();
            k.stepSize = c.stepSize();
            k.beta1 = c.beta1();
            k.beta2 = c.beta2();
            k.invSqrtC2 = c.invSqrtC2();
            k.eps = c.eps();
            k.items = param.size();
            for (float[] a : new float[][] {k.param, k.grad, k.m, k.v}) {
                k.upload(a);
            }
            k.launch(k.items, 1);
            k.download(k.param);
            k.download(k.m);
            k.download(k.v);
        }
    }

    /**
     * {@code input}, or a copy of it when it is the same array as {@code other}: an Aparapi buffer belongs to one
     * kernel argument, so an op whose output aliases an input (or whose two inputs are one array) reads a copy.
     */
    private static float[] distinct(float[] input, float[] other) {
        return input == other ? input.clone() : input;
    }
}

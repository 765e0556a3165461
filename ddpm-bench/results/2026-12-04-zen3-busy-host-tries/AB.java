import java.lang.reflect.*;
import java.net.*;
import java.util.*;

/** A/B in one JVM: each jar in its own class loader, the versions alternating case by case, per-round ratio old/new. */
public class AB {
    public static void main(String[] args) throws Exception {
        String[] jars = {args[0], args[1]};
        int rounds = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        List<String> cases = Arrays.asList(args).subList(4, args.length);
        Object[][] work = new Object[2][cases.size()];
        Method[] run = new Method[2];
        for (int v = 0; v < 2; v++) {
            URLClassLoader cl = new URLClassLoader(new URL[]{new java.io.File(jars[v]).toURI().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> backends = cl.loadClass("org.ddpm4j.tensor.Backends");
            Object be = backends.getMethod("create", String.class, int.class).invoke(null, "simd", Integer.getInteger("threads", 2));
            Class<?> beClass = cl.loadClass("org.ddpm4j.tensor.Backend");
            for (int i = 0; i < cases.size(); i++) {
                String c = cases.get(i);
                if (c.startsWith("unet:")) {
                    String[] p = c.substring(5).split(",");
                    Class<?> uc = cl.loadClass("org.ddpm4j.bench.unet.UNetCase");
                    Object kase = null;
                    for (Object o : (List<?>) uc.getMethod("all").invoke(null)) {
                        if (o.toString().contains("mode=" + p[0]) && o.toString().contains("channels=" + p[1] + ",") && o.toString().contains("batch=" + p[2] + "]") && o.toString().contains("model=small")) kase = o;
                    }
                    if (kase == null) throw new IllegalArgumentException(c + " in " + uc.getMethod("all").invoke(null));
                    Class<?> wc = cl.loadClass("org.ddpm4j.bench.unet.UNetWorkload");
                    work[v][i] = wc.getConstructor(beClass, uc).newInstance(be, kase);
                } else {
                    Class<?> kc = cl.loadClass("org.ddpm4j.bench.kernels.KernelCase");
                    Object kase = kc.getMethod("byKey", String.class).invoke(null, c);
                    Class<?> wc = cl.loadClass("org.ddpm4j.bench.kernels.KernelWorkload");
                    work[v][i] = wc.getConstructor(beClass, kc).newInstance(be, kase);
                }
            }
        }
        for (int i = 0; i < cases.size(); i++) {
            Method m0 = work[0][i].getClass().getMethod("run"), m1 = work[1][i].getClass().getMethod("run");
            Method[] m = {m0, m1};
            for (int v = 0; v < 2; v++) { long end = System.nanoTime() + (long) (2e9); while (System.nanoTime() < end) m[v].invoke(work[v][i]); }
            List<Double> ratios = new ArrayList<>(); double[][] t = new double[2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int v = 0; v < 2; v++) {
                    int vv = (r % 2 == 0) ? v : 1 - v;
                    List<Double> calls = new ArrayList<>();
                    long end = System.nanoTime() + (long) (seconds * 1e9);
                    do { long t0 = System.nanoTime(); m[vv].invoke(work[vv][i]); calls.add((System.nanoTime() - t0) / 1e6); } while (System.nanoTime() < end || calls.size() < 2);
                    Collections.sort(calls); t[vv][r] = calls.get(calls.size() / 2);
                }
                ratios.add(t[0][r] / t[1][r]);
            }
            List<Double> s = new ArrayList<>(ratios); Collections.sort(s);
            double[] a = t[0].clone(), b = t[1].clone(); Arrays.sort(a); Arrays.sort(b);
            System.out.printf("%-40s old %.2f ms new %.2f ms  old/new %.3f (%.3f-%.3f)%n", cases.get(i), a[rounds / 2], b[rounds / 2], s.get(rounds / 2), s.get(0), s.get(rounds - 1));
        }
    }
}

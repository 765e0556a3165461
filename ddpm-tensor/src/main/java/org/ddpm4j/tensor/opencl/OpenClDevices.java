package org.ddpm4j.tensor.opencl;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Finds the OpenCL devices and picks one by the {@value #DEVICE_PROPERTY} system property: {@code gpu},
 * {@code accelerator} or {@code cpu} (the first of that type), a number (an index into {@link #list()}), or any
 * other text (the first device whose name contains it, ignoring case). Without the property: the first GPU, else
 * the first accelerator, else the first CPU device.
 */
public final class OpenClDevices {
    /** System property choosing the device. */
    public static final String DEVICE_PROPERTY = "ddpm.opencl.device";

    private OpenClDevices() {
    }

    /**
     * Every OpenCL device of every platform, GPUs first, then accelerators, then CPUs.
     *
     * @throws OpenClUnavailableException when there is no OpenCL library, platform or device
     */
    public static List<OpenCLDevice> list() {
        return JvmSignalHandlers.keptAround("the OpenCL runtime, listing devices", OpenClDevices::listUnguarded);
    }

    private static List<OpenCLDevice> listUnguarded() {
        List<OpenCLDevice> devices = new ArrayList<>();
        try {
            if (!OpenCLLoader.isOpenCLAvailable()) {
                throw new OpenClUnavailableException("the OpenCL library (libOpenCL.so, package ocl-icd-libopencl1) "
                        + "or Aparapi's native part could not be loaded");
            }
            List<OpenCLDevice> found = OpenCLDevice.listDevices(null);
            if (found != null) {
                devices.addAll(found);
            }
        } catch (LinkageError e) {
            throw new OpenClUnavailableException("Aparapi's native part failed to load: " + e);
        }
        if (devices.isEmpty()) {
            throw new OpenClUnavailableException("no OpenCL platform reports a device (install a driver, or "
                    + "pocl-opencl-icd for OpenCL on the CPU)");
        }
        devices.sort(Comparator.comparingInt(OpenClDevices::typeRank));
        return devices;
    }

    /** The device named by {@value #DEVICE_PROPERTY}, or the default choice when it is unset. */
    public static OpenCLDevice select() {
        return select(System.getProperty(DEVICE_PROPERTY));
    }

    /**
     * The device named by {@code choice} (see the class comment); {@code null} or blank gives the default.
     *
     * @throws OpenClUnavailableException when no device matches, naming the devices there are
     */
    public static OpenCLDevice select(String choice) {
        List<OpenCLDevice> devices = list();
        if (choice == null || choice.isBlank()) {
            return devices.get(0);
        }
        String wanted = choice.trim().toLowerCase(Locale.ROOT);
        Device.TYPE type = switch (wanted) {
            case "gpu" -> Device.TYPE.GPU;
            case "cpu" -> Device.TYPE.CPU;
            case "accelerator", "acc" -> Device.TYPE.ACC;
            default -> null;
        };
        for (int i = 0; i < devices.size(); i++) {
            OpenCLDevice d = devices.get(i);
            boolean matches = type != null ? d.getType() == type
                    : wanted.equals(String.valueOf(i)) || d.getName().toLowerCase(Locale.ROOT).contains(wanted);
            if (matches) {
                return d;
            }
        }
        StringBuilder known = new StringBuilder();
        for (int i = 0; i < devices.size(); i++) {
            known.append(i == 0 ? "" : "; ").append(i).append(": ").append(describe(devices.get(i)));
        }
        throw new OpenClUnavailableException(DEVICE_PROPERTY + "='" + choice + "' matches none of the devices ("
                + known + ")");
    }

    /** One line: name, type, compute units and memory. */
    public static String describe(OpenCLDevice d) {
        return String.format(Locale.ROOT, "%s (%s, %d compute units, %.1f GiB, platform %s)", d.getName().trim(),
                d.getType(), d.getMaxComputeUnits(), d.getGlobalMemSize() / (double) (1L << 30),
                d.getOpenCLPlatform().getName().trim());
    }

    private static int typeRank(OpenCLDevice d) {
        return switch (d.getType()) {
            case GPU -> 0;
            case ACC -> 1;
            default -> 2;
        };
    }
}

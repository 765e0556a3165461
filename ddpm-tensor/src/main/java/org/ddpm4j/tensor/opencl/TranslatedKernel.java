package org.ddpm4j.tensor.opencl;

import com.aparapi.internal.exception.AparapiException;
import com.aparapi.internal.model.ClassModel;
import com.aparapi.internal.writer.KernelWriter;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DeviceKernel}'s {@code run()} translated to OpenCL C by Aparapi's code writer, with the kernel's
 * parameters in the order of the generated signature. Aparapi passes every field that {@code run()} uses as one
 * argument of the same name, plus the pass number last; {@code @Local} arrays become {@code __local} arguments.
 */
record TranslatedKernel(String source, List<Parameter> parameters) {
    /** Name of the generated entry point. */
    static final String ENTRY = "run";
    private static final String SIGNATURE_START = "__kernel void " + ENTRY + "(";

    /** How an argument is passed. */
    enum Kind { GLOBAL_FLOATS, LOCAL_FLOATS, INT, FLOAT, LONG, PASS }

    /** One kernel argument: the field it comes from (null for the pass number) and how it is passed. */
    record Parameter(String name, Kind kind, Field field) {
    }

    /**
     * Translates {@code kernel}'s class.
     *
     * @throws KernelTranslationException when Aparapi cannot translate it (Aparapi itself would then have run the
     *                                    kernel in Java), or the signature holds an argument type the engine does
     *                                    not pass
     */
    static TranslatedKernel of(DeviceKernel kernel) {
        Class<?> type = kernel.getClass();
        String source;
        try {
            ClassModel model = ClassModel.createClassModel(type);
            source = KernelWriter.writeToString(model.getEntrypoint(ENTRY, kernel));
        } catch (AparapiException | RuntimeException e) {
            throw new KernelTranslationException(type.getSimpleName(), String.valueOf(e.getMessage()), e);
        }
        return new TranslatedKernel(source, parameters(type, source));
    }

    private static List<Parameter> parameters(Class<?> type, String source) {
        int start = source.indexOf(SIGNATURE_START);
        int end = source.indexOf(')', start);
        if (start < 0 || end < 0) {
            throw new KernelTranslationException(type.getSimpleName(), "no '" + SIGNATURE_START
                    + "' in the generated source");
        }
        List<Parameter> params = new ArrayList<>();
        for (String declaration : source.substring(start + SIGNATURE_START.length(), end).split(",")) {
            String d = declaration.trim().replaceAll("\\s+", " ");
            String name = d.substring(d.lastIndexOf(d.contains("*") ? '*' : ' ') + 1).trim();
            Kind kind = kindOf(type, d, name);
            params.add(new Parameter(name, kind, kind == Kind.PASS ? null : field(type, name)));
        }
        return List.copyOf(params);
    }

    private static Kind kindOf(Class<?> type, String declaration, String name) {
        if (name.equals("passid") && declaration.startsWith("int ")) {
            return Kind.PASS;
        }
        if (declaration.startsWith("__global float *")) {
            return Kind.GLOBAL_FLOATS;
        }
        if (declaration.startsWith("__local float *")) {
            return Kind.LOCAL_FLOATS;
        }
        if (declaration.startsWith("int ")) {
            return Kind.INT;
        }
        if (declaration.startsWith("float ")) {
            return Kind.FLOAT;
        }
        if (declaration.startsWith("long ")) {
            return Kind.LONG;
        }
        throw new KernelTranslationException(type.getSimpleName(), "argument '" + declaration
                + "' has a type the engine does not pass (float[], int, float and long fields only)");
    }

    private static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // declared further up
            }
        }
        throw new KernelTranslationException(type.getSimpleName(), "the generated argument '" + name
                + "' matches no field");
    }
}

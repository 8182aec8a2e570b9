package org.legoemu.abi.hart;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteOrder;

/**
 * Atomic (volatile and compare-and-set) access to aligned 32- and 64-bit little-endian words inside a line's
 * {@code byte[]}, which is what LR/SC and AMOs need to be atomic against every other hart's loads and stores
 * (RISC-V unprivileged ISA chapter 8).
 *
 * <p>JDK 17 to 21 support atomic access modes on {@link MethodHandles#byteArrayViewVarHandle} for aligned indices,
 * and that is used there. Later JDKs dropped them (byte arrays carry no alignment guarantee), so there the same
 * operations go through {@code sun.misc.Unsafe} (module jdk.unsupported), looked up reflectively; {@code scripts/lego}
 * passes {@code --sun-misc-unsafe-memory-access=allow} on those JDKs so no warning is printed. The choice is made
 * once, by probing, when the class initializes. Callers guarantee alignment; nothing here allocates.
 */
final class LineAtomics
{
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final boolean VAR_HANDLE_ATOMICS = probeVarHandles();
    private static final long BYTE_BASE;
    private static final MethodHandle GET_LONG_VOLATILE;
    private static final MethodHandle GET_INT_VOLATILE;
    private static final MethodHandle CAS_LONG;
    private static final MethodHandle CAS_INT;

    static
    {
        if (VAR_HANDLE_ATOMICS)
        {
            BYTE_BASE = 0;
            GET_LONG_VOLATILE = null;
            GET_INT_VOLATILE = null;
            CAS_LONG = null;
            CAS_INT = null;
        }
        else
        {
            if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
            {
                throw new ExceptionInInitializerError("atomics on this JDK need a little-endian host");
            }
            try
            {
                final Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                final Field field = unsafeClass.getDeclaredField("theUnsafe");
                field.setAccessible(true);
                final Object unsafe = field.get(null);
                final MethodHandles.Lookup lookup = MethodHandles.lookup();
                BYTE_BASE = (int)lookup.findVirtual(unsafeClass, "arrayBaseOffset",
                    MethodType.methodType(int.class, Class.class)).invoke(unsafe, byte[].class);
                GET_LONG_VOLATILE = lookup.findVirtual(unsafeClass, "getLongVolatile",
                    MethodType.methodType(long.class, Object.class, long.class)).bindTo(unsafe);
                GET_INT_VOLATILE = lookup.findVirtual(unsafeClass, "getIntVolatile",
                    MethodType.methodType(int.class, Object.class, long.class)).bindTo(unsafe);
                CAS_LONG = lookup.findVirtual(unsafeClass, "compareAndSwapLong",
                    MethodType.methodType(boolean.class, Object.class, long.class, long.class, long.class))
                    .bindTo(unsafe);
                CAS_INT = lookup.findVirtual(unsafeClass, "compareAndSwapInt",
                    MethodType.methodType(boolean.class, Object.class, long.class, int.class, int.class))
                    .bindTo(unsafe);
            }
            catch (final Throwable ex)
            {
                throw new ExceptionInInitializerError(ex);
            }
        }
    }

    private LineAtomics()
    {
    }

    private static boolean probeVarHandles()
    {
        try
        {
            final byte[] probe = new byte[16];
            return LONG_LE.compareAndSet(probe, 8, 0L, 1L) && INT_LE.compareAndSet(probe, 4, 0, 1);
        }
        catch (final UnsupportedOperationException | IllegalStateException ex)
        {
            return false;
        }
    }

    /** The strategy in use, for diagnostics: "VarHandle" or "Unsafe". */
    static String strategy()
    {
        return VAR_HANDLE_ATOMICS ? "VarHandle" : "Unsafe";
    }

    static long getLongVolatile(final byte[] line, final int offset)
    {
        if (VAR_HANDLE_ATOMICS)
        {
            return (long)LONG_LE.getVolatile(line, offset);
        }
        try
        {
            return (long)GET_LONG_VOLATILE.invokeExact((Object)line, BYTE_BASE + offset);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static int getIntVolatile(final byte[] line, final int offset)
    {
        if (VAR_HANDLE_ATOMICS)
        {
            return (int)INT_LE.getVolatile(line, offset);
        }
        try
        {
            return (int)GET_INT_VOLATILE.invokeExact((Object)line, BYTE_BASE + offset);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static boolean compareAndSetLong(final byte[] line, final int offset, final long expected, final long value)
    {
        if (VAR_HANDLE_ATOMICS)
        {
            return LONG_LE.compareAndSet(line, offset, expected, value);
        }
        try
        {
            return (boolean)CAS_LONG.invokeExact((Object)line, BYTE_BASE + offset, expected, value);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static boolean compareAndSetInt(final byte[] line, final int offset, final int expected, final int value)
    {
        if (VAR_HANDLE_ATOMICS)
        {
            return INT_LE.compareAndSet(line, offset, expected, value);
        }
        try
        {
            return (boolean)CAS_INT.invokeExact((Object)line, BYTE_BASE + offset, expected, value);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}

package org.legoemu.emulator;

import org.junit.jupiter.api.Test;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.memory.HomeFailover;
import org.legoemu.pcomponent.model.ProcessorModel;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Components take their clock as an argument (docs/reliability.md, "Failover timings"; issue 16: an injected
 * {@code NanoClock} everywhere, for deterministic simulation and modeled time): no compiled main class of the timing
 * model ({@code org.legoemu.pcomponent.model}) or of the mComponent module calls {@code System.nanoTime} or
 * {@code System.currentTimeMillis}, nor does the pComponent's memory package (the failover of
 * homes and owners: {@link org.legoemu.pcomponent.memory.FailoverTimings}), directly (INVOKESTATIC) or as a method reference ({@code System::nanoTime}),
 * except the classes in {@link #ALLOWED}, each with its reason. Reads the bytecode with ASM, so a name in a string
 * or a comment does not count, and a failure names the class and method.
 */
class HostClockCallsTest
{
    private static final Set<String> HOST_CLOCKS = Set.of("nanoTime", "currentTimeMillis");
    /**
     * Classes allowed to read the host clock (internal name to reason). Empty today; an entry must say why the clock
     * cannot be injected, and one that no longer reads the clock fails the test (it would hide a new call).
     */
    private static final Map<String, String> ALLOWED = Map.of();

    /** One scanned tree: classes under {@code packagePath} of the module holding {@code anchor}. */
    private record Scope(Class<?> anchor, String packagePath)
    {
    }

    private static final List<Scope> SCOPES = List.of(
        new Scope(ProcessorModel.class, "org/legoemu/pcomponent/model"),
        new Scope(HomeFailover.class, "org/legoemu/pcomponent/memory"),
        new Scope(MemoryMonitor.class, "org/legoemu/mcomponent"));

    @Test
    void noModelOrMComponentClassReadsTheHostClock() throws Exception
    {
        final Set<String> offenders = new TreeSet<>();
        final Set<String> callers = new TreeSet<>();
        int scanned = 0;
        for (final Scope scope : SCOPES)
        {
            final int before = scanned;
            scanned += scan(scope, offenders, callers);
            assertTrue(scanned - before >= 8, "scanned " + (scanned - before) + " classes of " + scope);
        }
        final List<String> stale = new ArrayList<>();
        for (final String allowed : ALLOWED.keySet())
        {
            if (!callers.contains(allowed))
            {
                stale.add(allowed);
            }
        }
        assertEquals(List.of(), new ArrayList<>(offenders),
            "read the host clock: inject a NanoClock (Context.clock) instead, or add the class to ALLOWED with a reason");
        assertEquals(List.of(), stale, "allowed but no longer reading the host clock: remove from ALLOWED");
    }

    private static int scan(final Scope scope, final Set<String> offenders, final Set<String> callers)
        throws IOException, URISyntaxException
    {
        final Path location = Path.of(scope.anchor().getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location))
        {
            return scanTree(location.resolve(scope.packagePath()), offenders, callers);
        }
        try (FileSystem jar = FileSystems.newFileSystem(location))
        {
            return scanTree(jar.getPath(scope.packagePath()), offenders, callers);
        }
    }

    private static int scanTree(final Path root, final Set<String> offenders, final Set<String> callers)
        throws IOException
    {
        int scanned = 0;
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (file.toString().endsWith(".class"))
                {
                    scanned++;
                    check(new ClassReader(Files.readAllBytes(file)), offenders, callers);
                }
            }
        }
        return scanned;
    }

    private static boolean hostClock(final String owner, final String name)
    {
        return "java/lang/System".equals(owner) && HOST_CLOCKS.contains(name);
    }

    private static void check(final ClassReader reader, final Set<String> offenders, final Set<String> callers)
    {
        final String className = reader.getClassName();
        reader.accept(new ClassVisitor(Opcodes.ASM9)
        {
            @Override
            public MethodVisitor visitMethod(final int access, final String method, final String descriptor,
                final String signature, final String[] exceptions)
            {
                return new MethodVisitor(Opcodes.ASM9)
                {
                    private void found(final String clock)
                    {
                        callers.add(className);
                        if (!ALLOWED.containsKey(className))
                        {
                            offenders.add(className.replace('/', '.') + "." + method + " calls System." + clock);
                        }
                    }

                    @Override
                    public void visitMethodInsn(final int opcode, final String owner, final String name,
                        final String desc, final boolean isInterface)
                    {
                        if (opcode == Opcodes.INVOKESTATIC && hostClock(owner, name))
                        {
                            found(name);
                        }
                    }

                    @Override
                    public void visitInvokeDynamicInsn(final String name, final String desc, final Handle bootstrap,
                        final Object... arguments)
                    {
                        for (final Object argument : arguments)
                        {
                            if (argument instanceof Handle handle && hostClock(handle.getOwner(), handle.getName()))
                            {
                                found(handle.getName() + " (method reference)");
                            }
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    }
}

package org.legoemu.emulator.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a guest under {@code qemu-riscv64} (Debian package qemu-user), the reference LegoEmu is compared with, and
 * measures its wall time.
 */
final class QemuReference
{
    /** The qemu user-mode emulator looked up on PATH. */
    static final String QEMU = "qemu-riscv64";

    /** One qemu run: its stdout, exit status and wall time in ns. */
    record Run(byte[] stdout, int status, long wallNs)
    {
    }

    private QemuReference()
    {
    }

    /** True if {@value #QEMU} can be started. */
    static boolean available()
    {
        try
        {
            final Process p = new ProcessBuilder(QEMU, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Runs {@code guest} with {@code args} in {@code dir}, stdin empty, stderr discarded.
     *
     * @throws IOException if qemu cannot be started or is interrupted.
     */
    static Run run(final Path dir, final Path guest, final List<String> args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(QEMU);
        command.add(guest.toString());
        command.addAll(args);
        return runProcess(dir, command);
    }

    /**
     * Runs {@code command} in {@code dir}, stdin empty, stderr discarded, and measures the whole process's wall
     * time (start to exit).
     *
     * @throws IOException if the process cannot be started or is interrupted.
     */
    static Run runProcess(final Path dir, final List<String> command) throws IOException
    {
        final long startNs = System.nanoTime();
        final Process p = new ProcessBuilder(command).directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream())
        {
            in.transferTo(out);
        }
        try
        {
            final int status = p.waitFor();
            return new Run(out.toByteArray(), status, System.nanoTime() - startNs);
        }
        catch (final InterruptedException ex)
        {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + command.get(0) + " ran", ex);
        }
    }
}

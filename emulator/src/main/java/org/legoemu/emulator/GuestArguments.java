package org.legoemu.emulator;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest part of a command line that runs one guest on an embedded cluster ({@code lego run}, {@code lego chaos}):
 * {@code --storage-root DIR -- GUEST [ARGS...]}. A picocli mixin.
 */
public final class GuestArguments
{
    @Option(names = "--storage-root", paramLabel = "DIR", defaultValue = ".",
        description = "Directory the sComponent serves as the guest's / (default: the current directory).")
    Path storageRoot;

    @Parameters(index = "0", paramLabel = "GUEST", description = "Static riscv64 Linux ELF executable.")
    String guest;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments passed to the guest.")
    List<String> args = new ArrayList<>();

    /**
     * Where the guest lies in the sComponent's namespace.
     *
     * @throws GuestLocation.Problem with the exit code and a one-line message when it cannot run there.
     */
    GuestLocation location() throws GuestLocation.Problem
    {
        return GuestLocation.resolve(storageRoot, guest);
    }

    /** argv as the guest sees it: GUEST as typed, then ARGS. */
    List<String> argv()
    {
        final List<String> argv = new ArrayList<>();
        argv.add(guest);
        argv.addAll(args);
        return argv;
    }
}

package org.legoemu.pcomponent;

import org.legoemu.fabric.proxy.Placement;
import org.legoemu.pcomponent.linux.Console;

import java.util.List;

/**
 * A process to run on this pComponent, as placed by the GMM.
 *
 * @param placement pid, this pComponent and the home mComponent (from C2G_PLACE_PROCESS).
 * @param path      the executable, an absolute path in the sComponent's namespace.
 * @param argv      argv, argv[0] included.
 * @param envp      environment strings {@code NAME=value}.
 * @param cwd       the initial working directory, an absolute namespace path.
 * @param console   where fds 0, 1 and 2 lead.
 * @param control   told when the process starts; lets another thread kill it.
 */
public record LaunchRequest(
    Placement placement, String path, List<String> argv, List<String> envp, String cwd, Console console,
    ProcessControl control)
{
    /** A request nobody else controls. */
    public LaunchRequest(
        final Placement placement, final String path, final List<String> argv, final List<String> envp,
        final String cwd, final Console console)
    {
        this(placement, path, argv, envp, cwd, console, ProcessControl.none());
    }
}

package org.legoemu.emulator.chaos;

import java.util.List;

/**
 * The guest a chaos run executes.
 *
 * @param path  namespace path of the executable (under the sComponent's root), e.g. {@code /bin/wordcount}.
 * @param argv  its arguments, argv[0] first.
 * @param envp  its environment, {@code NAME=value} each.
 * @param cwd   its working directory (namespace path).
 * @param stdin the bytes it reads from stdin (the same in every run).
 */
public record ChaosGuest(String path, List<String> argv, List<String> envp, String cwd, byte[] stdin)
{
}

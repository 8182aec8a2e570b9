package org.legoemu.pcomponent.linux;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where a guest's file descriptors 0, 1 and 2 lead.
 *
 * @param stdin    read by fd 0.
 * @param stdout   written by fd 1, flushed after every write(2).
 * @param stderr   written by fd 2, flushed after every write(2).
 * @param terminal true if these are an interactive terminal: fstat reports a character device and
 *                 ioctl(TCGETS) succeeds, so the guest's stdio line-buffers; otherwise they look like pipes.
 */
public record Console(InputStream stdin, OutputStream stdout, OutputStream stderr, boolean terminal)
{
}

package org.legoemu.mcomponent.home;

/**
 * Where execve reads executables from: the sComponent's M2S_READ (LegoOS §5.4: the mComponent loads the image).
 */
@FunctionalInterface
public interface ImageSource
{
    /**
     * Reads a whole executable for execve(2).
     *
     * @param path absolute namespace path.
     * @return the file's bytes.
     * @throws org.legoemu.fabric.FabricException EACCES if it is not a regular file with an execute bit (execve(2)
     *                                            "ERRORS"), the storage's errno (ENOENT, ...) or a transport errno.
     */
    byte[] readExecutable(String path);

    /**
     * Reads up to {@code length} bytes at {@code fileOffset} (the contents of a file mapping). This default reads the
     * whole file; sources that can read a range override it.
     *
     * @return bytes read; fewer than asked (down to 0) at end of file.
     * @throws org.legoemu.fabric.FabricException as {@link #readExecutable}.
     */
    default int read(final String path, final long fileOffset, final byte[] dst, final int dstOffset, final int length)
    {
        final byte[] whole = readExecutable(path);
        if (fileOffset >= whole.length)
        {
            return 0;
        }
        final int n = (int)Math.min(length, whole.length - fileOffset);
        System.arraycopy(whole, (int)fileOffset, dst, dstOffset, n);
        return n;
    }
}

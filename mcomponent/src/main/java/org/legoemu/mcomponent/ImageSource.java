package org.legoemu.mcomponent;

/**
 * Where execve reads executables from: the sComponent's M2S_READ (LegoOS §5.4: the mComponent loads the image).
 */
@FunctionalInterface
public interface ImageSource
{
    /**
     * Reads a whole file.
     *
     * @param path absolute namespace path.
     * @return the file's bytes.
     * @throws org.legoemu.fabric.FabricException with the storage's errno (ENOENT, EISDIR, ...) or a transport
     *                                            errno.
     */
    byte[] readWhole(String path);
}

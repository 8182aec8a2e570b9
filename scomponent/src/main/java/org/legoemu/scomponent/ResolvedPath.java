package org.legoemu.scomponent;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A namespace path resolved inside the sComponent's root.
 *
 * @param namespacePath the path as the client named it.
 * @param hostPath      the host path inside the root; its last component is not a followed symlink.
 * @param attributes    lstat of {@code hostPath}, or null if the final component does not exist (its parent
 *                      directory does).
 */
public record ResolvedPath(String namespacePath, Path hostPath, BasicFileAttributes attributes)
{
    /** True if the final component exists. */
    public boolean exists()
    {
        return attributes != null;
    }

    /** True if it exists and is a directory. */
    public boolean isDirectory()
    {
        return attributes != null && attributes.isDirectory();
    }

    /** True if it exists and is a regular file. */
    public boolean isRegularFile()
    {
        return attributes != null && attributes.isRegularFile();
    }

    /** True if it exists and is a symbolic link (only when the final link was not followed). */
    public boolean isSymbolicLink()
    {
        return attributes != null && attributes.isSymbolicLink();
    }
}

package org.legoemu.scomponent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.proxy.DirEntry;
import org.legoemu.fabric.proxy.UnlinkedNames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hidden unlinked files (silly rename): left out of listings, found again by a restarted sComponent's scan, and
 * removed when (and only when) their owner pComponent is no longer a member.
 */
class UnlinkedFilesTest
{
    @TempDir
    Path root;

    @Test
    void hiddenNamesAreNotListedAndGoWithTheirOwner() throws Exception
    {
        final FileOperations files = new FileOperations(new RootedPathResolver(root));
        files.mkdir("/d", 0755);
        files.open("/d/kept", 0x41, 0644);
        final String ofLive = "/d/" + UnlinkedNames.name(7, 0xabc, 1);
        final String ofDead = "/d/" + UnlinkedNames.name(9, 0xdef, 2);
        files.open("/d/x", 0x41, 0644);
        files.rename("/d/x", ofLive, 0);
        files.open(ofDead, 0xc1, 0600);

        final List<String> names = files.readdir("/d", 0, 100).stream().map(DirEntry::name).toList();
        assertEquals(List.of(".", "..", "kept"), names);
        assertEquals(2, files.unlinkedFiles().size());

        final FileOperations restarted = new FileOperations(new RootedPathResolver(root));
        assertEquals(2, restarted.unlinkedFiles().scan());
        assertEquals(1, restarted.unlinkedFiles().collect(owner -> owner == 7));
        assertTrue(Files.exists(root.resolve(ofLive.substring(1))), "file of a live pComponent kept");
        assertFalse(Files.exists(root.resolve(ofDead.substring(1))), "file of a dead pComponent removed");
        assertEquals(0, restarted.unlinkedFiles().collect(owner -> owner == 7));

        restarted.unlink(ofLive, false);
        assertEquals(0, restarted.unlinkedFiles().size());
        assertEquals(9, UnlinkedNames.owner(UnlinkedNames.name(9, 5, 5)));
        assertEquals(-1, UnlinkedNames.owner(UnlinkedNames.name(-1, 5, 5)));
        assertEquals(Integer.MIN_VALUE, UnlinkedNames.owner("kept"));
    }
}

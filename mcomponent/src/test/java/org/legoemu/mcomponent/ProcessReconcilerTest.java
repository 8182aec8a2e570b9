package org.legoemu.mcomponent;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.home.ProcessHomes;
import org.legoemu.mcomponent.owner.FramePool;
import org.legoemu.mcomponent.owner.OwnedPages;
import org.legoemu.mcomponent.owner.ProcessPages;

import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link ProcessReconciler} against a scripted GMM: a pid's frames are freed only once the GMM has called it
 * forgotten on two consecutive checks; a check in between that does not (or that fails) starts the count again;
 * a pid the GMM never lists is never touched.
 */
class ProcessReconcilerTest
{
    private static final int FRAME = FramePool.FRAME_SIZE;
    private static final int PROT_RW = 3;

    private final FramePool pool = new FramePool(64L * FRAME);
    private final OwnedPages stores = new OwnedPages(pool);
    private final ProcessHomes homes = new ProcessHomes(null, null, null);
    private final IntHashSet forgottenAtGmm = new IntHashSet();
    private boolean gmmReachable = true;
    private int checks;
    private final ProcessReconciler reconciler = new ProcessReconciler(new ReentrantLock(), stores, homes,
        this::answer, 1_000_000_000L, "test");

    @AfterEach
    void close()
    {
        reconciler.close();
        pool.close();
    }

    @Test
    void freesAPidForgottenOnTwoConsecutiveChecksOnly()
    {
        touch(1000, 3);
        touch(1001, 2);
        forgottenAtGmm.add(1000);
        assertEquals(0, reconciler.check(), "one answer is not enough");
        assertEquals(5, pool.framesInUse());
        assertEquals(1, reconciler.check());
        assertNull(stores.get(1000));
        assertNotNull(stores.get(1001), "a pid the GMM still places is never freed");
        assertEquals(2, pool.framesInUse());
        assertEquals(1, reconciler.reconciledPids());
        assertEquals(3, reconciler.reconciledFrames());
        assertEquals(0, reconciler.check());
        assertEquals(2, pool.framesInUse());
    }

    @Test
    void aCheckThatDoesNotConfirmOrFailsStartsTheCountAgain()
    {
        touch(1000, 1);
        forgottenAtGmm.add(1000);
        assertEquals(0, reconciler.check());
        gmmReachable = false;
        assertEquals(0, reconciler.check());
        gmmReachable = true;
        assertEquals(0, reconciler.check(), "the failed check broke the run of answers");
        forgottenAtGmm.clear();
        assertEquals(0, reconciler.check());
        forgottenAtGmm.add(1000);
        assertEquals(0, reconciler.check());
        assertEquals(1, pool.framesInUse());
        assertEquals(1, reconciler.check());
        assertEquals(0, pool.framesInUse());
        assertEquals(6, checks);
    }

    private void touch(final int pid, final int pages)
    {
        final ProcessPages store = stores.getOrCreate(pid, 1);
        store.applyVma(VmaOp.MAP, 0x10000, 0x10000 + (long)pages * FRAME, PROT_RW);
        for (int i = 0; i < pages; i++)
        {
            store.resolve(0x10000 + (long)i * FRAME, 1);
        }
    }

    private void answer(final IntArrayList pids, final IntArrayList forgotten)
    {
        checks++;
        if (!gmmReachable)
        {
            throw new FabricException(Errnos.ETIMEDOUT, "no reply from the GMM within the timeout");
        }
        forgotten.clear();
        for (int i = 0; i < pids.size(); i++)
        {
            if (forgottenAtGmm.contains(pids.getInt(i)))
            {
                forgotten.addInt(pids.getInt(i));
            }
        }
    }
}

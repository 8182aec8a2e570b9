package org.legoemu.fabric.proxy;

import org.legoemu.fabric.Endpoint;

/**
 * Where the GMM placed a new process (G2C_PLACEMENT), LegoOS GPM/GMM.
 *
 * @param pid               cluster-wide process id, from 1000 upward.
 * @param pcomponentId      the pComponent that runs the process's threads.
 * @param homeMComponentId  the mComponent that owns the process's VMA layout and VM syscalls.
 * @param pcomponentAddress where the pComponent serves requests.
 * @param homeAddress       where the home mComponent serves requests.
 */
public record Placement(
    int pid, int pcomponentId, int homeMComponentId, Endpoint pcomponentAddress, Endpoint homeAddress)
{
}

/** In-JVM transport for embedded clusters and deterministic tests: SBE bytes copied, one FIFO queue per server. */
package org.legoemu.fabric.inproc;

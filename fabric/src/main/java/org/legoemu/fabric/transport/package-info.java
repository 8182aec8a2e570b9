/**
 * Machinery shared by every transport: request header validation ({@link org.legoemu.fabric.transport.RequestValidator}),
 * safe handler invocation ({@link org.legoemu.fabric.transport.HandlerInvoker}), the per-server dispatch thread
 * ({@link org.legoemu.fabric.transport.DispatchLoop}) and the caller-side pending-call table
 * ({@link org.legoemu.fabric.transport.PendingCalls}).
 */
package org.legoemu.fabric.transport;

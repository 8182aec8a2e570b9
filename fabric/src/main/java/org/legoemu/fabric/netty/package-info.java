/** TCP transport on Netty NIO; frame format in {@link org.legoemu.fabric.netty.FrameCodec}. */
package org.legoemu.fabric.netty;

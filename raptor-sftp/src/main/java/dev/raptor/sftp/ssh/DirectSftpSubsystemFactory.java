package dev.raptor.sftp.ssh;

import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * MINA's SFTP subsystem factory (its accessor, status handler, attribute policy and listeners, set as on any
 * {@link SftpSubsystemFactory}) making {@link DirectSftpSubsystem}s: the same subsystem with its replies written
 * straight into the channel, and downloads read straight into the SSH packets. MINA's extension point for this is
 * {@link #createSubsystem}, which this overrides exactly as MINA's own does, with the other class. Not final: the
 * node agent's ({@link AgentSftpServer}) sets up each channel's user first.
 */
class DirectSftpSubsystemFactory extends SftpSubsystemFactory {
    @Override
    public Command createSubsystem(ChannelSession channel) {
        DirectSftpSubsystem subsystem = new DirectSftpSubsystem(channel, this);
        getRegisteredListeners().forEach(subsystem::addSftpEventListener);
        return subsystem;
    }
}

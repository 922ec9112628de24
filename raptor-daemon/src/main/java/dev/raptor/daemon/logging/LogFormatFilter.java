package dev.raptor.daemon.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/** Lets an appender write only while its {@link LogFormat} is the chosen one ({@code <format>json</format>} in logback.xml). */
public final class LogFormatFilter extends Filter<ILoggingEvent> {
    private volatile LogFormat format = LogFormat.TEXT;

    public void setFormat(String format) {
        this.format = LogFormat.parse(format);
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        return LogFormat.current() == format ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}

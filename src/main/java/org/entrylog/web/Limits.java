package org.entrylog.web;

import java.time.Clock;
import org.entrylog.config.Config;

/** The rate limiters of the API, by what they protect, and how a client's address is found. */
public record Limits(RateLimiter registration, RateLimiter pass, RateLimiter enrollment, RateLimiter scan,
                     RateLimiter officialAnonymous, ClientAddress address) {

    public static Limits from(Config config, Clock clock) {
        boolean on = config.rateLimits();
        return new Limits(
                new RateLimiter(config.limits().get("registration"), clock, on),
                new RateLimiter(config.limits().get("pass"), clock, on),
                new RateLimiter(config.limits().get("enrollment"), clock, on),
                new RateLimiter(config.limits().get("scan"), clock, on),
                new RateLimiter(config.limits().get("official_anonymous"), clock, on),
                new ClientAddress(config.trustedProxies()));
    }
}

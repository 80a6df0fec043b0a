package org.entrylog.official;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import org.entrylog.common.Ids;
import org.entrylog.store.Database;

/**
 * Officials' second factor: owns the {@code totp_secret} and {@code totp_last_step} columns of
 * {@code official} (migration 005). {@link #enroll} gives an account a fresh secret and answers
 * its {@code otpauth://} URI (printed once by {@code official add} / {@code official totp-reset},
 * never stored in the clear); {@link #consume} marks a step used, atomically, so a code is
 * accepted once even when two servers on one database see it at the same moment.
 */
public final class SecondFactors {
    private final Database db;
    private final TotpSecrets secrets;

    public SecondFactors(Database db, TotpSecrets secrets) {
        this.db = db;
        this.secrets = secrets;
    }

    /**
     * Gives the account a new TOTP secret (replacing any old one, which stops working at once) and
     * answers the provisioning URI. Refuses an unknown username.
     */
    public String enroll(String username) {
        String u = OfficialAccounts.requireUsername(username);
        byte[] secret = Ids.randomBytes(Totp.SECRET_BYTES);
        try {
            byte[] sealed = secrets.seal(u, secret);
            int n = db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE official SET totp_secret = ?, totp_last_step = NULL WHERE username = ?")) {
                    ps.setBytes(1, sealed);
                    ps.setString(2, u);
                    return ps.executeUpdate();
                }
            });
            if (n != 1) {
                throw new IllegalArgumentException("No official is named '" + u + "'.");
            }
            return Totp.uri(u, secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The account's secret, or null when it has none (made before second factors) or it does not decrypt. */
    byte[] secret(String username, byte[] sealed) {
        return sealed == null ? null : secrets.open(username, sealed);
    }

    /**
     * Marks {@code step} used for this account if no later-or-equal step was; false when it was
     * (a replay, possibly racing another server). Runs on the writer's connection.
     */
    static boolean consume(Connection c, long officialId, long step) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE official SET totp_last_step = ?"
                + " WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)")) {
            ps.setLong(1, step);
            ps.setLong(2, officialId);
            ps.setLong(3, step);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public String toString() {
        return "SecondFactors[secrets=REDACTED]";
    }
}

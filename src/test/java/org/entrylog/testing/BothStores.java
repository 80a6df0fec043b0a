package org.entrylog.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every test of the class once per {@link TestApp.Store}: SQLite, then PostgreSQL. The class
 * takes the store as a field {@code @Parameter TestApp.Store store;} (or a constructor argument) and
 * opens its server with {@link TestApp#on}. On PostgreSQL the tests are skipped when the server is
 * missing, and fail under {@code ENTRYLOG_TEST_REQUIRE_POSTGRES=1} (CI).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "{0}")
@EnumSource(TestApp.Store.class)
public @interface BothStores {}

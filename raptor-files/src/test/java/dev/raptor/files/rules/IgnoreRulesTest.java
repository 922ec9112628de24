package dev.raptor.files.rules;

import dev.raptor.files.DeniedException;
import dev.raptor.files.jail.JailPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IgnoreRulesTest {

    private static boolean excluded(String rules, String path, boolean dir) throws IOException {
        return IgnoreRules.parse(rules.replace("|", "\n")).excludes(JailPath.of(path), dir);
    }

    @ParameterizedTest(name = "[{0}] {1} (dir={2}) -> {3}")
    @CsvSource(delimiter = ';', value = {
            // a name without a slash matches at any depth
            "server.jar; server.jar; false; true",
            "server.jar; libs/server.jar; false; true",
            "server.jar; server.jar.bak; false; false",
            // a leading slash anchors at the root
            "/server.jar; server.jar; false; true",
            "/server.jar; libs/server.jar; false; false",
            // a slash in the middle anchors too
            "config/*.yml; config/a.yml; false; true",
            "config/*.yml; plugins/config/a.yml; false; false",
            // * and ? do not cross a slash
            "*.log; logs/latest.log; false; true",
            "logs/*; logs/a/b.log; false; true",
            "l?gs; logs; true; true",
            "l?gs; l/gs; true; false",
            // trailing slash: directories only (and everything inside them)
            "cache/; cache; true; true",
            "cache/; cache; false; false",
            "cache/; a/cache/x.bin; false; true",
            // ** forms
            "**/world; world; true; true",
            "**/world; a/b/world; true; true",
            "world/**; world/region/r.mca; false; true",
            "world/**; world; true; false",
            "a/**/b; a/b; false; true",
            "a/**/b; a/x/y/b; false; true",
            "a/**/b; a/xb; false; false",
            "a**b; axyb; false; true",
            "a**b; ax/yb; false; false",
            // classes
            "[abc].txt; b.txt; false; true",
            "[abc].txt; d.txt; false; false",
            "[!abc].txt; d.txt; false; true",
            "[^abc].txt; a.txt; false; false",
            "[a-c]x; bx; false; true",
            "[a-c]x; dx; false; false",
            "[]a]x; ]x; false; true",
            // escapes, comments, blanks, trailing spaces
            "\\#notes; #notes; false; true",
            "#notes; #notes; false; false",
            "\\!important; !important; false; true",
            "'a.txt   '; a.txt; false; true",
            "'a.txt\\ '; 'a.txt '; false; true",
            "'a.txt\\ '; a.txt; false; false",
            // negation: the last match wins
            "*.yml|!keep.yml; keep.yml; false; false",
            "*.yml|!keep.yml; drop.yml; false; true",
            "!keep.yml|*.yml; keep.yml; false; true",
            // a file inside an excluded directory cannot be re-included
            "plugins/|!plugins/config.yml; plugins/config.yml; false; true",
            // but excluding the children, not the directory, allows it
            "plugins/*|!plugins/config.yml; plugins/config.yml; false; false",
            "plugins/*|!plugins/config.yml; plugins/other.yml; false; true",
            // regex characters are literal
            "a+b(c).txt; a+b(c).txt; false; true",
            "a.txt; abtxt; false; false",
            // unicode and names with newlines
            "welt-ü*; welt-übersicht; false; true",
            "*; 'a\nb'; false; true",
    })
    void matchesLikeGit(String rules, String path, boolean dir, boolean expected) throws IOException {
        assertThat(excluded(rules, path, dir)).isEqualTo(expected);
    }

    @Test
    void noRulesExcludeNothing() throws IOException {
        assertThat(IgnoreRules.of(List.of()).excludes(JailPath.of("anything"), false)).isFalse();
        assertThat(IgnoreRules.parse("# only a comment\n\n   \n").isEmpty()).isTrue();
    }

    @Test
    void anUnclosedClassIsALiteralBracket() throws IOException {
        assertThat(excluded("a[b", "a[b", false)).isTrue();
        assertThat(excluded("a[b", "ab", false)).isFalse();
    }

    @Test
    void accessRulesTellDeniedFromReadOnly() throws IOException {
        AccessRules rules = AccessRules.of(List.of("secrets/", "*.key"), List.of("/server.jar", "/config/"));
        assertThat(rules.access(JailPath.of("secrets/a.txt"), false)).isEqualTo(AccessRules.Access.NONE);
        assertThat(rules.access(JailPath.of("id.key"), false)).isEqualTo(AccessRules.Access.NONE);
        assertThat(rules.access(JailPath.of("server.jar"), false)).isEqualTo(AccessRules.Access.READ);
        assertThat(rules.access(JailPath.of("config/a/b.yml"), false)).isEqualTo(AccessRules.Access.READ);
        assertThat(rules.access(JailPath.of("world/level.dat"), false)).isEqualTo(AccessRules.Access.READ_WRITE);
        rules.requireRead(JailPath.of("server.jar"), false);
        assertThatThrownBy(() -> rules.requireWrite(JailPath.of("server.jar"), false))
                .isInstanceOf(DeniedException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> rules.requireRead(JailPath.of("secrets"), true))
                .isInstanceOf(DeniedException.class).hasMessageContaining("denied");
        assertThat(rules.hides(JailPath.of("secrets"), true)).isTrue();
        assertThat(rules.hides(JailPath.of("server.jar"), false)).isFalse();
    }
}

package dev.exprun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
    @Test
    void commandLineWinsAndValuesAreTypedAsJson() {
        Map<String, Object> params = Params.merge(
                Map.of("lr", "0.01", "epochs", "3", "name", "baseline", "amp", "true"),
                Map.of("lr", "0.02", "layers", "[64, 64]"));
        assertEquals(0.02, params.get("lr"));
        assertEquals(3, params.get("epochs"));
        assertEquals("baseline", params.get("name"));
        assertEquals(true, params.get("amp"));
        assertEquals(List.of(64, 64), params.get("layers"));
    }

    @Test
    void textThatOnlyLooksLikeJsonStaysText() {
        assertEquals("0.1.2", Params.typed("0.1.2"));
        assertEquals("007", Params.typed("007"));
        assertEquals("[not json", Params.typed("[not json"));
        assertEquals("", Params.typed(""));
    }
}

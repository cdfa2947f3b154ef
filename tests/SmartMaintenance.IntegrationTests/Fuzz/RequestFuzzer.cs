using System.Globalization;
using System.Text;
using System.Text.Json;

using CsCheck;

namespace SmartMaintenance.IntegrationTests.Fuzz;

/// <summary>One generated request and whether every part of it was meant to be acceptable.</summary>
internal sealed record FuzzRequest(ApiOperation Operation, string Url, string? ContentType, byte[]? Body, bool Hostile)
{
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 300)).Replace("\n", "\\n", StringComparison.Ordinal);
        return $"{Operation.Method} {Url} [{ContentType}] {body}";
    }
}

/// <summary>
/// Builds requests for an operation from its route, query and body schema, each with hostile parts: wrong types,
/// non-finite and huge numbers, deep nesting, invalid UTF-8, NUL and other control characters, injection strings,
/// odd timestamps, duplicate keys, missing fields; the JSON, NDJSON and CSV ingest bodies too.
/// </summary>
internal sealed class RequestFuzzer(ApiSurface surface, IReadOnlyDictionary<string, string> known)
{
    /// <summary>Texts for path and query values (escaped when sent).</summary>
    private static readonly string[] HostileTexts =
    [
        "", " ", "\0", "a\0b", "\u001b[31m", "'; DROP TABLE sensors;--", "\" OR \"1\"=\"1", "<script>alert(1)</script>",
        "../../../etc/passwd", "${jndi:ldap://x/a}", "=HYPERLINK(\"http://x\")", "ü漢字🙂", "\u202egnp.exe", "null", "NaN",
        "Infinity", "-Infinity", "1e309", "-1", "0", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1.5",
        "0x10", "2026-01-01", "2026-13-45T25:61:61Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-01-01T00:00:00",
        "true", "[]", "{}", new string('a', 4_000), "00000000-0000-0000-0000-000000000000", "%", "a,b", "\t\r\n",
    ];

    /// <summary>Already percent-encoded values: bytes that are not UTF-8, an encoded NUL, overlong dots.</summary>
    private static readonly string[] HostileEncoded = ["%FF%FE", "%ED%A0%80", "%00", "%C0%AE%C0%AE%2F", "a%2Fb", "%E2%80%AE"];

    /// <summary>JSON values that no field should take as they are.</summary>
    private static readonly string[] HostileJson =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e309", "-1e309", "1e308", "-1e308", "4.9e-324", "9223372036854775808",
        "-9223372036854775809", "123456789012345678901234567890", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"\"", "\" \"",
        "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u001b[2J\"", "\"'; DROP TABLE sensors;--\"",
        "\"<img src=x onerror=alert(1)>\"", "\"=HYPERLINK(\\\"http://x\\\")\"", "\"2026-13-45T25:61:61Z\"", "\"0001-01-01T00:00:00Z\"",
        "\"9999-12-31T23:59:59Z\"", "\"2026-01-01T00:00:00\"", "\"1.5\"", "\"2026-01-01\"", "[]", "{}", "[1,2,3]", "{\"a\":{\"b\":{}}}",
        "\"" + new string('x', 70_000) + "\"", new string('[', 2_000) + new string(']', 2_000), new string('[', 40) + new string(']', 40),
        "\"00000000-0000-0000-0000-000000000000\"", "\"not-a-guid\"", "\"admin\"", "999999999",
    ];

    /// <summary>Whole bodies that are not what any endpoint reads.</summary>
    private static readonly string[] HostileBodies =
    [
        "", " ", "{", "[", "}", "null", "1", "\"x\"", "[]", "{}", "{\"a\":1,}", "{'a':1}", "{\"a\" 1}", "[{}]", "\uFEFF{}",
        new string('{', 10_000), new string('[', 10_000), "{\"a\":" + new string('[', 5_000), "NaN", "<xml/>",
        "sensor_id,timestamp,value\n", "\0\0\0\0",
    ];

    private static readonly string[] WrongContentTypes =
    [
        "text/plain", "application/xml", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "application/octet-stream",
        "application/x-www-form-urlencoded", "invalid/",
    ];

    private static readonly string[] CsvFields =
    [
        "pump-1-temp", "", "\"pump-1-temp\"", "\"a,b\"", "\"unterminated", "\"a\"\"b\"", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00",
        "1.5", "NaN", "1e309", "-1e160", "=cmd|' /C calc'!A0", "\0", "°C", "good", "worse", "\t", "9223372036854775808",
    ];

    public Gen<FuzzRequest> For(ApiOperation operation)
    {
        var path = operation.RouteParameters.Count == 0
            ? Gen.Const((operation.Template, Hostile: false))
            : All(operation.RouteParameters.Select(PathValue)).Select(values =>
            {
                var byName = operation.RouteParameters.Zip(values).ToDictionary(p => p.First, p => p.Second.Text, StringComparer.Ordinal);
                return (operation.Path(name => byName[name]), values.Any(v => v.Hostile));
            });
        var query = operation.QueryParameters.Count == 0
            ? Gen.Const((Text: "", Hostile: false))
            : All(operation.QueryParameters.Select(QueryValue)).Select(parts =>
                (Text: string.Join('&', parts.Select(p => p.Text).Where(p => p.Length > 0)), Hostile: parts.Any(p => p.Hostile)));
        var body = operation.Bodies.Count == 0
            ? Gen.Frequency((9, Gen.Const(((string?)null, (byte[]?)null, false))), (1, Gen.OneOf(HostileBodies).Select(b => ((string?)"application/json", (byte[]?)Encoding.UTF8.GetBytes(b), false))))
            : Gen.Int[0, operation.Bodies.Count - 1].SelectMany(i => Body(operation.Bodies[i].ContentType, operation.Bodies[i].Schema));
        return Gen.Select(path, query, body, (p, q, b) => new FuzzRequest(
            operation, q.Item1.Length == 0 ? p.Item1 : $"{p.Item1}?{q.Item1}", b.Item1, b.Item2, p.Item2 || q.Item2 || b.Item3));
    }

    /// <summary>One value from each generator, in order.</summary>
    private static Gen<T[]> All<T>(IEnumerable<Gen<T>> gens) =>
        gens.Aggregate(Gen.Const(Array.Empty<T>()), (all, next) => Gen.Select(all, next, (values, value) => (T[])[.. values, value]));

    private Gen<(string Text, bool Hostile)> PathValue(string name) => Gen.Frequency(
        (4, Gen.Const((Uri.EscapeDataString(Known(name)), false))),
        // An encoded NUL in a path is refused by the server before any application code (the test host throws on it).
        (4, Gen.OneOf(HostileTexts).Where(t => t.Length > 0 && !t.Contains('\0', StringComparison.Ordinal)).Select(t => (Uri.EscapeDataString(t), true))),
        (1, Gen.OneOf(HostileEncoded).Where(t => t != "%00").Select(t => (t, true))),
        (1, Gen.Guid.Select(g => (g.ToString(), true))));

    private Gen<(string Text, bool Hostile)> QueryValue(string name) => Gen.Frequency(
        (3, Gen.Const(("", false))),
        (2, Gen.Const(($"{name}={Uri.EscapeDataString(Known(name))}", false))),
        (4, Gen.OneOf(HostileTexts).Select(t => ($"{name}={Uri.EscapeDataString(t)}", true))),
        (1, Gen.OneOf(HostileEncoded).Select(t => ($"{name}={t}", true))),
        (1, Gen.Const(($"{name}={Uri.EscapeDataString(Known(name))}&{name}=1", true))));

    private string Known(string name) => known.TryGetValue(name, out var value) ? value : name switch
    {
        "from" or "since" or "after" => DateTimeOffset.UtcNow.AddDays(-1).ToString("O", CultureInfo.InvariantCulture),
        "to" => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        "limit" => "10",
        _ => "fuzz-1",
    };

    private Gen<(string? ContentType, byte[]? Body, bool Hostile)> Body(string contentType, JsonElement? schema)
    {
        var valid = contentType switch
        {
            "application/x-ndjson" => ItemJson(schema).Select(items => string.Join('\n', items)),
            "text/csv" => Gen.Const("sensor_id,timestamp,value\n" + $"{Known("sensor_id")},{DateTimeOffset.UtcNow.AddMinutes(-1):O},1.5\n"),
            "application/zip" or "application/octet-stream" => Gen.Const("PK\u0003\u0004"),
            _ => schema is { } s ? ValidJson(s, 0).Select(v => v.Text) : Gen.Const("{}"),
        };
        var mutated = contentType switch
        {
            "application/x-ndjson" => ItemJson(schema).SelectMany(items => MutatedJson(Item(schema)).Select(bad => string.Join('\n', items.Append(bad)))),
            "text/csv" => Gen.OneOf(CsvFields).Array[3, 6].Array[1, 4].Select(rows =>
                "sensor_id,timestamp,value,unit,quality\n" + string.Join('\n', rows.Select(r => string.Join(',', r)))),
            "application/zip" or "application/octet-stream" => Gen.Byte.Array[0, 2_000].Select(b => Encoding.Latin1.GetString(b)),
            _ => schema is { } s ? MutatedJson(s) : Gen.OneOf(HostileBodies),
        };
        var encoding = contentType is "application/zip" or "application/octet-stream" ? Encoding.Latin1 : Encoding.UTF8;
        return Gen.Frequency(
            (1, valid.Select(v => ((string?)contentType, (byte[]?)encoding.GetBytes(v), false))),
            (7, mutated.Select(v => ((string?)contentType, (byte[]?)encoding.GetBytes(v), true))),
            (1, valid.Select(v => ((string?)contentType, (byte[]?)InvalidUtf8(encoding.GetBytes(v)), true))),
            (1, Gen.Select(Gen.OneOf(WrongContentTypes), valid, (type, v) => ((string?)type, (byte[]?)Encoding.UTF8.GetBytes(v), true))));
    }

    /// <summary>A valid body with bytes that are not UTF-8 inside its first text (or at its start).</summary>
    private static byte[] InvalidUtf8(byte[] body)
    {
        var at = Array.IndexOf(body, (byte)'"') + 1;
        return [.. body.AsSpan(0, at), 0xC3, 0x28, 0xFF, .. body.AsSpan(at)];
    }

    private JsonElement? Item(JsonElement? schema) =>
        schema is { } s && surface.Resolve(s) is var resolved && resolved.TryGetProperty("items", out var items) ? items : schema;

    private Gen<string[]> ItemJson(JsonElement? schema) =>
        Item(schema) is { } item ? ValidJson(item, 0).Select(v => v.Text).Array[1, 3] : Gen.Const(Array.Empty<string>());

    /// <summary>A JSON text of the schema's shape with one thing wrong in it.</summary>
    private Gen<string> MutatedJson(JsonElement? schema)
    {
        if (schema is null)
        {
            return Gen.OneOf(HostileBodies);
        }

        var resolved = surface.Resolve(schema.Value);
        if (resolved.TryGetProperty("items", out var items))
        {
            // An array: one item is wrong, the others are fine.
            return Gen.Select(ValidJson(items, 0).Array[0, 2], MutatedJson(items), (good, bad) => "[" + string.Join(',', good.Select(g => g.Text).Append(bad)) + "]");
        }

        var properties = resolved.TryGetProperty("properties", out var p) ? p.EnumerateObject().ToArray() : [];
        if (properties.Length == 0)
        {
            return Gen.Frequency((1, Gen.OneOf(HostileBodies)), (2, Gen.OneOf(HostileJson).Select(v => $"{{\"value\":{v}}}")));
        }

        var required = resolved.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
        var fields = All(properties.Select(prop => ValidJson(prop.Value, 1).Select(v => (prop.Name, v.Text))));
        return Gen.Frequency(
            (6, Gen.Select(fields, Gen.Int[0, properties.Length - 1], Gen.OneOf(HostileJson), (f, i, bad) =>
                Object(f.Select((x, j) => j == i ? (x.Name, bad) : x)))),
            (2, Gen.Select(fields, Gen.Int[0, properties.Length - 1], (f, i) => required.Contains(f[i].Name)
                ? Object(f.Where((_, j) => j != i))
                : Object(f.Select((x, j) => j == i ? (x.Name, "\"a\\u0000b\"") : x)))),
            (1, Gen.Select(fields, Gen.Int[0, properties.Length - 1], Gen.OneOf(HostileJson), (f, i, other) => Object(f.Append((f[i].Name, other))))),
            (1, fields.Select(f => "[" + Object(f) + "]")),
            (1, Gen.OneOf(HostileBodies)));
    }

    private static string Object(IEnumerable<(string Name, string Value)> fields) =>
        "{" + string.Join(',', fields.Select(f => $"{JsonSerializer.Serialize(f.Name)}:{f.Value}")) + "}";

    /// <summary>A value of the schema that a reasonable client would send.</summary>
    private Gen<(string Text, bool Hostile)> ValidJson(JsonElement schema, int depth)
    {
        schema = surface.Resolve(schema);
        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0)
        {
            return Gen.OneOf(values.EnumerateArray().Select(v => v.GetRawText()).ToArray()).Select(t => (t, false));
        }

        var type = TypeOf(schema);
        switch (type)
        {
            case "object" when depth < 4 && schema.TryGetProperty("properties", out var properties):
                var fields = properties.EnumerateObject().Select(p => ValidJson(p.Value, depth + 1).Select(v => $"{JsonSerializer.Serialize(p.Name)}:{v.Text}")).ToArray();
                return fields.Length == 0 ? Gen.Const(("{}", false)) : All(fields).Select(f => ("{" + string.Join(',', f) + "}", false));
            case "array" when depth < 4 && schema.TryGetProperty("items", out var items):
                return ValidJson(items, depth + 1).Array[0, 2].Select(a => ("[" + string.Join(',', a.Select(x => x.Text)) + "]", false));
            case "string":
                var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
                return Gen.Const((format switch
                {
                    "date-time" => JsonSerializer.Serialize(DateTimeOffset.UtcNow.AddMinutes(-1)),
                    "uuid" => JsonSerializer.Serialize(Guid.NewGuid()),
                    _ => schema.TryGetProperty("pattern", out _) ? "\"fuzz-1\"" : "\"fuzz text\"",
                }, false));
            case "number":
                return Gen.Double[-1_000, 1_000].Select(d => (d.ToString("R", CultureInfo.InvariantCulture), false));
            case "integer":
                return Gen.Int[1, 100].Select(i => (i.ToString(CultureInfo.InvariantCulture), false));
            case "boolean":
                return Gen.Bool.Select(b => (b ? "true" : "false", false));
            default:
                return Gen.Const(("null", false));
        }
    }

    private static string? TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? "object" : null;
        }

        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null")
            : type.GetString();
    }
}

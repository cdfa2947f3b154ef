using System.Text.Json;
using System.Text.RegularExpressions;

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace SmartMaintenance.IntegrationTests.Fuzz;

/// <summary>One HTTP operation of the host: where it is, what it reads and which scope it requires.</summary>
internal sealed record ApiOperation(
    string Method, string Template, IReadOnlyList<string> RouteParameters, IReadOnlyList<string> QueryParameters,
    IReadOnlyList<(string ContentType, JsonElement? Schema)> Bodies, IReadOnlyList<string> Policies)
{
    public override string ToString() => $"{Method} {Template}";

    /// <summary>The template with each route parameter (constraint, optional or catch-all mark included) replaced by its value, sent as given.</summary>
    public string Path(Func<string, string> valueOf) => RouteParameters.Aggregate(Template, (path, name) =>
        Regex.Replace(path, @"\{\**" + Regex.Escape(name) + @"(:[^}]*)?\??\}", valueOf(name).Replace("$", "$$", StringComparison.Ordinal)));
}

/// <summary>
/// The host's operations, read from its own endpoint list (so a new endpoint is covered without touching the tests),
/// with the parameters and bodies its OpenAPI document gives them. Pages, static files and the live hub are left to
/// the browser and hub tests.
/// </summary>
internal sealed partial class ApiSurface
{
    private ApiSurface(IReadOnlyList<ApiOperation> operations, JsonElement document)
    {
        Operations = operations;
        Document = document;
    }

    public IReadOnlyList<ApiOperation> Operations { get; }

    public JsonElement Document { get; }

    public static async Task<ApiSurface> ReadAsync(SmartMaintenanceApplication app)
    {
        using var anonymous = app.CreateClient();
        var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json")).RootElement.Clone();
        var paths = document.GetProperty("paths");
        var operations = new List<ApiOperation>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var metadata = endpoint.Metadata;
            var template = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (metadata.GetMetadata<HttpMethodMetadata>() is not { } methods || metadata.GetMetadata<ComponentTypeMetadata>() is not null
                || metadata.GetMetadata<HubMetadata>() is not null || template.StartsWith("/_", StringComparison.Ordinal)
                || template.StartsWith("/hubs", StringComparison.Ordinal) || metadata.Any(m => m.GetType().Name.Contains("StaticAsset", StringComparison.Ordinal)))
            {
                continue;
            }

            var documentedTemplate = Constraint().Replace(template, "}");
            var routeParameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            var policies = metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
            foreach (var method in methods.HttpMethods)
            {
                var query = new List<string>();
                var bodies = new List<(string, JsonElement?)>();
                if (paths.TryGetProperty(documentedTemplate, out var path) && path.TryGetProperty(method.ToLowerInvariant(), out var operation))
                {
                    if (operation.TryGetProperty("parameters", out var parameters))
                    {
                        query.AddRange(parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!));
                    }

                    if (operation.TryGetProperty("requestBody", out var body))
                    {
                        foreach (var content in body.GetProperty("content").EnumerateObject())
                        {
                            bodies.Add((content.Name, content.Value.TryGetProperty("schema", out var schema) ? schema : null));
                        }
                    }
                }

                operations.Add(new ApiOperation(method, template, routeParameters, query, bodies, policies));
            }
        }

        return new ApiSurface(operations, document);
    }

    /// <summary>
    /// Route and query values that name what <see cref="SmartMaintenanceApplication.SeedSensorAsync(HttpClient, string)"/> creates in the
    /// default tenant (whose admins administer the platform), and an API key that may be revoked.
    /// </summary>
    public static Dictionary<string, string> KnownValues(long keyId) => new(StringComparer.Ordinal)
    {
        ["sensorId"] = "pump-1-temp",
        ["sensor_id"] = "pump-1-temp",
        ["assetId"] = "pump-1",
        ["asset_id"] = "pump-1",
        ["siteId"] = "plant",
        ["site_id"] = "plant",
        ["keyId"] = keyId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["tenant_id"] = "1",
        ["sensorType"] = "temperature",
        ["name"] = "pump",
        ["version"] = "1",
        ["reference"] = "latest",
    };

    /// <summary>A schema with its <c>$ref</c> followed.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            schema = Document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        }

        return schema;
    }

    [GeneratedRegex(":[^}]*}")]
    private static partial Regex Constraint();
}

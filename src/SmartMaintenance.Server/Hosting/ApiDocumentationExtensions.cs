using Microsoft.OpenApi;

using Scalar.AspNetCore;

using SmartMaintenance.Server.Auth;

namespace SmartMaintenance.Server.Hosting;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and the interactive reference at <c>/scalar</c>.</summary>
internal static class ApiDocumentationExtensions
{
    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddSchemaTransformer(DescribeNumbers).AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "SmartMaintenance API",
                Version = "v1",
                Description = "Ingest sensor readings, read them back and manage the asset catalog. " +
                    "Authenticate with an API key in the X-API-Key header.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "An API key created by an admin (POST /api/v1/api-keys) or seeded by SMX_ADMIN_API_KEY.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [],
            });
            return Task.CompletedTask;
        }));

    // FiniteNumberConverter and PlainTextConverter read every double and string, which hides their types from the
    // schema generator: say what they are, nullable where the property is.
    private static Task DescribeNumbers(OpenApiSchema schema, Microsoft.AspNetCore.OpenApi.OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(double) || type == typeof(double?))
        {
            schema.Type = type == typeof(double) ? JsonSchemaType.Number : JsonSchemaType.Number | JsonSchemaType.Null;
        }
        else if (type == typeof(string))
        {
            schema.Type = context.JsonPropertyInfo is { IsGetNullable: true } ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }
        else if (context.JsonTypeInfo.ElementType == typeof(string))
        {
            // Lists and maps of texts lose their element schema the same way.
            if (context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable)
            {
                schema.Items ??= new OpenApiSchema { Type = JsonSchemaType.String };
            }
            else if (context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary)
            {
                schema.AdditionalProperties ??= new OpenApiSchema { Type = JsonSchemaType.String };
            }
        }

        return Task.CompletedTask;
    }

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(options => options.WithTitle("SmartMaintenance API"));
        return app;
    }
}

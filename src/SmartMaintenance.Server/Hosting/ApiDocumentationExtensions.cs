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

    // FiniteNumberConverter reads every double, which hides the type from the schema generator: say it is a number.
    private static Task DescribeNumbers(OpenApiSchema schema, Microsoft.AspNetCore.OpenApi.OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(double) || type == typeof(double?))
        {
            schema.Type = type == typeof(double) ? JsonSchemaType.Number : JsonSchemaType.Number | JsonSchemaType.Null;
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

namespace SmartMaintenance.Server.Hosting;

/// <summary>
/// Makes the web UI's static files (Blazor's framework script, MudBlazor's, our own) servable however the product is
/// started: <c>dotnet run</c> in any environment, the published output from any working folder, or the test host.
/// </summary>
internal static class UiAssetsExtensions
{
    /// <summary>The script without which no page is interactive; checked at start.</summary>
    internal static readonly string[] RequiredAssets = ["_framework/blazor.web.js", "_content/MudBlazor/MudBlazor.min.js"];

    /// <summary>
    /// The host's options with the content root in the app's own folder, so a service started from another working
    /// folder still finds its <c>wwwroot</c>; a content root given by <c>--contentRoot</c> or
    /// <c>ASPNETCORE_CONTENTROOT</c>/<c>DOTNET_CONTENTROOT</c> is kept.
    /// </summary>
    public static WebApplicationOptions HostOptions(string[] args)
    {
        var given = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[WebHostDefaults.ContentRootKey];
        return new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = string.IsNullOrEmpty(given) ? AppContext.BaseDirectory : null,
        };
    }

    /// <summary>
    /// Outside Development ASP.NET Core reads only <c>wwwroot</c>; run from the build output (<c>dotnet run</c>), the
    /// framework's and packages' files are found through the build's static web assets manifest instead, so it is
    /// read in every environment. A published app has no such manifest, and this changes nothing for it.
    /// </summary>
    public static WebApplicationBuilder AddUiAssets(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            builder.WebHost.UseStaticWebAssets();
        }

        builder.Services.AddHostedService<UiAssetsCheck>();
        return builder;
    }
}

/// <summary>Logs an error naming the cause when a script the UI cannot work without is not there to be served.</summary>
internal sealed partial class UiAssetsCheck(IWebHostEnvironment environment, ILogger<UiAssetsCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var asset in UiAssetsExtensions.RequiredAssets)
        {
            var file = environment.WebRootFileProvider.GetFileInfo(asset);
            if (file.Exists && file.Length > 0)
            {
                continue;
            }

            var buildManifest = Path.Combine(AppContext.BaseDirectory, environment.ApplicationName + ".staticwebassets.runtime.json");
            if (File.Exists(buildManifest))
            {
                LogMissingFromBuild(logger, asset, buildManifest);
            }
            else
            {
                LogMissingFromWebRoot(logger, asset, environment.WebRootPath ?? Path.Combine(environment.ContentRootPath, "wwwroot"),
                    environment.ContentRootPath);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "The web UI cannot work: {Asset} cannot be served. The build's static web " +
        "assets manifest {Manifest} points to a file that is gone (a cleared NuGet cache or a moved source folder); rebuild " +
        "the server (dotnet build -c Release) and start it again.")]
    private static partial void LogMissingFromBuild(ILogger logger, string asset, string manifest);

    [LoggerMessage(Level = LogLevel.Error, Message = "The web UI cannot work: {Asset} cannot be served. It is not under the web " +
        "root {WebRoot} (content root {ContentRoot}): the published output is incomplete, or --contentRoot names a folder " +
        "that is not the published app's; publish again (dotnet publish -c Release -o FOLDER) or drop --contentRoot.")]
    private static partial void LogMissingFromWebRoot(ILogger logger, string asset, string webRoot, string contentRoot);
}

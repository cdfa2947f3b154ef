using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

using SmartMaintenance.Server.Hosting;

namespace SmartMaintenance.IntegrationTests;

public sealed class UiAssetsCheckTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smx-webroot-").FullName;

    [Fact]
    public async Task A_published_app_without_its_web_files_logs_an_error_naming_the_file_and_the_folder()
    {
        var logger = new FakeLogger<UiAssetsCheck>();

        await new UiAssetsCheck(Environment("Published.App"), logger).StartAsync(CancellationToken.None);

        var errors = logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Error).Select(r => r.Message).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, m => m.Contains("_framework/blazor.web.js", StringComparison.Ordinal)
            && m.Contains(Path.Combine(_folder, "wwwroot"), StringComparison.Ordinal) && m.Contains("--contentRoot", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("_content/MudBlazor/MudBlazor.min.js", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_build_whose_manifest_points_to_missing_files_says_to_rebuild()
    {
        // This test assembly's folder holds the server's build manifest, as `dotnet run`'s output folder does.
        var logger = new FakeLogger<UiAssetsCheck>();

        await new UiAssetsCheck(Environment("SmartMaintenance.Server"), logger).StartAsync(CancellationToken.None);

        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error
            && r.Message.Contains("SmartMaintenance.Server.staticwebassets.runtime.json", StringComparison.Ordinal)
            && r.Message.Contains("rebuild", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nothing_is_logged_when_the_scripts_are_there()
    {
        foreach (var asset in UiAssetsExtensions.RequiredAssets)
        {
            var path = Path.Combine(_folder, "wwwroot", asset);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, "/* script */");
        }

        var logger = new FakeLogger<UiAssetsCheck>();

        await new UiAssetsCheck(Environment("Published.App"), logger).StartAsync(CancellationToken.None);

        Assert.Empty(logger.Collector.GetSnapshot());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private HostEnvironment Environment(string applicationName)
    {
        var webRoot = Path.Combine(_folder, "wwwroot");
        return new HostEnvironment
        {
            ApplicationName = applicationName,
            ContentRootPath = _folder,
            ContentRootFileProvider = new PhysicalFileProvider(_folder),
            WebRootPath = webRoot,
            WebRootFileProvider = Directory.Exists(webRoot) ? new PhysicalFileProvider(webRoot) : new NullFileProvider(),
        };
    }

    private sealed class HostEnvironment : IWebHostEnvironment
    {
        public string ApplicationName { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
        public string ContentRootPath { get; set; } = "";
        public string EnvironmentName { get; set; } = "Production";
        public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();
        public string WebRootPath { get; set; } = "";
    }
}

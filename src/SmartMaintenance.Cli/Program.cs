using System.CommandLine;

using SmartMaintenance.Cli;

// `smx`: the platform's command line. One file per verb.
var root = new RootCommand("SmartMaintenance command line")
{
    ImportCommand.Create(),
    NabCommand.Create(),
    DetectCommand.Create(),
    HealthCommand.Create(),
    RulCommand.Create(),
    FailureCommand.Create(),
    AssetCommand.CreateTrain(),
    AssetCommand.Create(),
    BackupCommand.CreateBackup(),
    BackupCommand.CreateRestore(),
};
return await root.Parse(args).InvokeAsync();

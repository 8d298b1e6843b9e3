namespace AccountabilityDsl.Build.Tests.Infrastructure;

/// <summary>A fresh console app that references AccountabilityDsl.Build, as a user would write it.</summary>
public sealed class ConsumerProject
{
    private readonly PackedFeed _feed;

    public ConsumerProject(PackedFeed feed, string name, string program, string extraProjectXml = "")
    {
        _feed = feed;
        Directory = Path.Combine(feed.Root, name);
        System.IO.Directory.CreateDirectory(Directory);
        Write("nuget.config", feed.NuGetConfig());
        Write("App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AccountabilityDsl.Build" Version="{feed.Version}" />
              </ItemGroup>
            {extraProjectXml}
            </Project>
            """);
        Write("Program.cs", program);
    }

    public string Directory { get; }

    public string Generated(string name) => Path.Combine(Directory, "obj", "Debug", "net10.0", "AccountabilityDsl", name);

    public void Write(string relativePath, string text)
    {
        string path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
    }

    public void Delete(string relativePath) => File.Delete(Path.Combine(Directory, relativePath));

    /// <summary><c>dotnet build</c> with no node reuse, so that no MSBuild node outlives the test.</summary>
    public ProcessResult Build(params string[] args) => Dotnet(["build", "-nr:false", "-c", "Debug", .. args]);

    public ProcessResult RunApp() => Dotnet([Path.Combine(Directory, "bin", "Debug", "net10.0", "App.dll")]);

    public ProcessResult Dotnet(params string[] args) => DotNet.Run(Directory, _feed.Environment, args);
}

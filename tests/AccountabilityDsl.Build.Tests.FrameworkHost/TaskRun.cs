using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AccountabilityDsl.Build.Tests.FrameworkHost;

/// <summary>
/// Runs a <c>GenerateOwnerPolicies</c> task object as <c>build/AccountabilityDsl.Build.targets</c>
/// has MSBuild run it: <c>Policies</c> items whose item spec is the policy's path relative to the
/// project (the current directory) and whose <c>OutputFile</c> metadata is the generated file's
/// full path, and the warning properties set by reflection (MSBuild leaves a parameter whose value
/// is empty unset). Returns the logged events, then one line per output file (written or not),
/// then the result, all as JSON lines.
/// </summary>
public static class TaskRun
{
    public static List<string> Execute(ITask task, IReadOnlyList<(string Policy, string OutputFile)> policies, IReadOnlyList<(string Name, string Value)> properties)
    {
        var engine = new RecordingBuildEngine();
        task.BuildEngine = engine;
        var items = new ITaskItem[policies.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new TaskItem(policies[i].Policy);
            items[i].SetMetadata("OutputFile", policies[i].OutputFile);
        }

        Set(task, "Policies", items);
        foreach ((string name, string value) in properties)
        {
            if (value.Length > 0)
            {
                PropertyInfo property = Property(task, name);
                Set(task, name, property.PropertyType == typeof(bool) ? bool.Parse(value) : value);
            }
        }

        bool success = task.Execute();
        var lines = new List<string>(engine.Events);
        foreach ((string policy, string output) in policies)
        {
            lines.Add(Json.Object(("kind", "output"), ("policy", policy), ("file", Path.GetFileName(output)), ("written", File.Exists(output))));
        }

        lines.Add(Json.Object(("kind", "result"), ("success", success)));
        return lines;
    }

    private static PropertyInfo Property(ITask task, string name) =>
        task.GetType().GetProperty(name) ?? throw new ArgumentException($"{task.GetType()} has no parameter {name}");

    private static void Set(ITask task, string name, object value) => Property(task, name).SetValue(task, value);
}

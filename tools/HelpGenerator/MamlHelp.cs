using System.Management.Automation;
using System.Reflection;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace ModelCost.Tools.HelpGenerator;

/// <summary>
/// Writes module/en-US/ModelCost.PS.dll-Help.xml (MAML, what Get-Help reads for binary cmdlets) from the
/// cmdlet classes' attributes and XML doc comments. Reads attributes through CustomAttributeData
/// (metadata only: the PowerShellStandard reference assembly cannot run attribute code), except the
/// value lists of ValidateNameSet, which come from the name set they point at (an enum's names).
/// </summary>
public static class MamlHelp
{
    private static readonly XNamespace msh = "http://msh", maml = "http://schemas.microsoft.com/maml/2004/10",
        command = "http://schemas.microsoft.com/maml/dev/command/2004/10", dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>The help of every cmdlet in <paramref name="assembly"/>, documented by its XML doc file beside it.</summary>
    public static XDocument Generate(Assembly assembly)
    {
        var docPath = Path.ChangeExtension(assembly.Location, ".xml");
        var docs = XDocument.Load(docPath).Root!.Element("members")!.Elements("member")
            .ToDictionary(m => (string)m.Attribute("name")!, m => m);
        var items = new XElement(msh + "helpItems", new XAttribute("schema", "maml"));
        var cmdletTypes = assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(Cmdlet)))
            .Select(t => (Type: t, Cmdlet: t.GetCustomAttributesData().Single(a => a.AttributeType == typeof(CmdletAttribute))))
            .OrderBy(c => (string)c.Cmdlet.ConstructorArguments[1].Value!).ThenBy(c => (string)c.Cmdlet.ConstructorArguments[0].Value!);

        foreach (var (type, cmdletAttr) in cmdletTypes)
        {
            var verb = (string)cmdletAttr.ConstructorArguments[0].Value!;
            var noun = (string)cmdletAttr.ConstructorArguments[1].Value!;
            var name = verb + "-" + noun;
            var typeDoc = docs.GetValueOrDefault("T:" + type.FullName);
            var synopsis = typeDoc?.Element("summary")?.Elements("para").FirstOrDefault(p => (string?)p.Attribute("type") == "synopsis");
            var description = Text(typeDoc?.Element("remarks")) is { Length: > 0 } r ? r : Text(synopsis);
            var supportsShould = Named(cmdletAttr, "SupportsShouldProcess") is true;
            var defaultSet = Named(cmdletAttr, "DefaultParameterSetName") as string;

            // A fresh instance holds every parameter's default: the property initialisers.
            var fresh = Activator.CreateInstance(type)!;
            var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => (Property: p, Attrs: p.GetCustomAttributesData()))
                .Where(p => p.Attrs.Any(a => a.AttributeType == typeof(ParameterAttribute)))
                .Select(p => (p.Property, p.Attrs, Doc: docs.GetValueOrDefault("P:" + p.Property.DeclaringType!.FullName + "." + p.Property.Name)))
                // A <value> doc element names a default the initialiser cannot hold (null = "the optimizer's default").
                .Select(p => new Param(p.Property, p.Attrs, Text(p.Doc?.Element("summary")),
                    Text(p.Doc?.Element("value")) is { Length: > 0 } stated ? stated : Param.DefaultText(p.Property.GetValue(fresh))))
                .ToList();
            var sets = parameters.SelectMany(p => p.Sets.Keys).Where(s => s != Param.AllSets).Distinct().ToList();
            if (sets.Count == 0) sets.Add(Param.AllSets);

            var syntax = new XElement(command + "syntax");
            foreach (var set in sets.OrderBy(s => s == defaultSet ? 0 : 1))
            {
                var item = new XElement(command + "syntaxItem", new XElement(maml + "name", name));
                foreach (var p in parameters.Where(p => p.Sets.ContainsKey(set) || p.Sets.ContainsKey(Param.AllSets))
                             .OrderBy(p => p.PositionIn(set) is int pos ? pos : int.MaxValue))
                    item.Add(p.Element(set, withDefault: false));
                if (supportsShould) { item.Add(ShouldParam("WhatIf")); item.Add(ShouldParam("Confirm")); }
                syntax.Add(item);
            }

            var paramList = new XElement(command + "parameters");
            foreach (var p in parameters) paramList.Add(p.Element(p.Sets.Keys.First(), withDefault: true));
            if (supportsShould) { paramList.Add(ShouldParam("WhatIf")); paramList.Add(ShouldParam("Confirm")); }

            var inputs = parameters.Where(p => p.Sets.Values.Any(s => s.ByValue || s.ByName))
                .Select(p => new XElement(command + "inputType",
                    new XElement(dev + "type", new XElement(maml + "name", p.TypeName)),
                    Description($"{p.Name}: {(p.Sets.Values.Any(s => s.ByValue) ? "by value" : "")}{(p.Sets.Values.Any(s => s.ByValue) && p.Sets.Values.Any(s => s.ByName) ? ", " : "")}{(p.Sets.Values.Any(s => s.ByName) ? "by property name" : "")}.")));
            var outputs = type.GetCustomAttributesData().Where(a => a.AttributeType == typeof(OutputTypeAttribute))
                .SelectMany(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (Type)v.Value!))
                .Distinct()
                .Select(t => new XElement(command + "returnValue", new XElement(dev + "type", new XElement(maml + "name", t.FullName))));

            var examples = new XElement(command + "examples");
            int n = 0;
            // <example><code>…</code><para>What it does.</para></example>: the paragraph is the example's remarks.
            foreach (var example in typeDoc?.Descendants("example") ?? [])
            {
                var remarks = string.Join(" ", example.Elements("para").Select(p => Text(p)));
                if (remarks.Length == 0)
                    throw new InvalidOperationException($"{name}: example {n + 1} has no <para> describing it.");
                examples.Add(new XElement(command + "example",
                    new XElement(maml + "title", $"-------------------------- Example {++n} --------------------------"),
                    new XElement(dev + "code", Text(example.Element("code"))),
                    new XElement(dev + "remarks", new XElement(maml + "para", remarks))));
            }

            items.Add(new XElement(command + "command",
                new XAttribute(XNamespace.Xmlns + "maml", maml), new XAttribute(XNamespace.Xmlns + "command", command), new XAttribute(XNamespace.Xmlns + "dev", dev),
                new XElement(command + "details",
                    new XElement(command + "name", name), new XElement(command + "verb", verb), new XElement(command + "noun", noun),
                    Description(Text(synopsis))),
                Description(description),
                syntax, paramList,
                new XElement(command + "inputTypes", inputs),
                new XElement(command + "returnValues", outputs),
                new XElement(maml + "alertSet", new XElement(maml + "alert", new XElement(maml + "para",
                    "Errors carry stable ids (see docs/errors.md and about_ModelCost.PS)."))),
                examples,
                new XElement(command + "relatedLinks", new XElement(maml + "navigationLink", new XElement(maml + "linkText", "about_ModelCost.PS")))));
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), items);
    }

    /// <summary>The file's exact text: UTF-8 without BOM, two-space indent, LF line ends.</summary>
    public static string ToText(XDocument document)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, settings)) document.Save(w);
        return new UTF8Encoding(false).GetString(stream.ToArray());
    }

    private static XElement Description(string text) => new(maml + "description", new XElement(maml + "para", text));

    private static XElement ShouldParam(string p) => new(command + "parameter",
        new XAttribute("required", "false"), new XAttribute("variableLength", "false"), new XAttribute("globbing", "false"),
        new XAttribute("pipelineInput", "False"), new XAttribute("position", "named"), new XAttribute("aliases", p == "WhatIf" ? "wi" : "cf"),
        new XElement(maml + "name", p),
        Description(p == "WhatIf" ? "Shows what would be written without writing anything." : "Asks for confirmation before writing."),
        new XElement(dev + "type", new XElement(maml + "name", "System.Management.Automation.SwitchParameter")),
        new XElement(dev + "defaultValue", "False"));

    private static object? Named(CustomAttributeData a, string name)
    {
        foreach (var n in a.NamedArguments)
            if (n.MemberName == name) return n.TypedValue.Value;
        return null;
    }

    // Flattens a doc element to text: <see cref="X"/> becomes X, whitespace collapses (code keeps its lines).
    internal static string Text(XElement? e)
    {
        if (e is null) return "";
        var sb = new StringBuilder();
        foreach (var node in e.Nodes())
        {
            if (node is XText t) sb.Append(t.Value);
            else if (node is XElement x)
            {
                if (x.Name == "see" || x.Name == "seealso") sb.Append(((string?)x.Attribute("cref") ?? (string?)x.Attribute("langword") ?? "").Split('.', ':').Last());
                else if (x.Name == "example" || x.Name == "para" && (string?)x.Attribute("type") == "synopsis") continue;
                else sb.Append(Text(x));
            }
        }
        if (e.Name == "code") return string.Join("\n", sb.ToString().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
        return string.Join(" ", sb.ToString().Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }
}

internal sealed class Param
{
    public const string AllSets = "__AllParameterSets";
    public sealed record SetInfo(bool Mandatory, int? Position, bool ByValue, bool ByName);

    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10", Command = "http://schemas.microsoft.com/maml/dev/command/2004/10", Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public Param(PropertyInfo property, IList<CustomAttributeData> attrs, string doc, string? defaultValue)
    {
        Name = property.Name;
        Doc = doc;
        DefaultValue = defaultValue;
        var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        TypeName = t == typeof(SwitchParameter) ? "SwitchParameter" : t.Name;
        FullTypeName = t.FullName ?? t.Name;
        IsSwitch = t == typeof(SwitchParameter);
        foreach (var a in attrs.Where(a => a.AttributeType == typeof(ParameterAttribute)))
        {
            string set = (string?)Get(a, "ParameterSetName") ?? AllSets;
            int? pos = Get(a, "Position") is int p && p >= 0 ? p : null;
            Sets[set] = new SetInfo(Get(a, "Mandatory") is true, pos, Get(a, "ValueFromPipeline") is true, Get(a, "ValueFromPipelineByPropertyName") is true);
        }
        Aliases = attrs.Where(a => a.AttributeType == typeof(AliasAttribute))
            .SelectMany(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (string)v.Value!)).ToList();
        ValidValues = attrs.Where(a => a.AttributeType == typeof(ValidateSetAttribute))
            .SelectMany(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (string)v.Value!))
            .Concat(attrs.Where(a => a.AttributeType == typeof(ModelCost.PS.Validation.ValidateNameSetAttribute))
                .SelectMany(a => ((ModelCost.PS.Validation.INameSet)Activator.CreateInstance((Type)a.ConstructorArguments[0].Value!)!).Names))
            .ToList();
        // -Path expands wildcards where the command reads files through ImportFileCommand or ModelInputCommand.
        Globbing = Name == "Path" && (typeof(ModelCost.PS.Infrastructure.ImportFileCommand).IsAssignableFrom(property.DeclaringType)
            || typeof(ModelCost.PS.Inputs.ModelInputCommand).IsAssignableFrom(property.DeclaringType));
    }

    public string Name { get; }
    public string Doc { get; }
    /// <summary>The value a fresh cmdlet holds, as Get-Help shows it; null when there is none.</summary>
    public string? DefaultValue { get; }

    /// <summary>A parameter's initial value as text: switches "False", arrays comma-separated, numbers invariant; null for none.</summary>
    public static string? DefaultText(object? value) => value switch
    {
        null => null,
        SwitchParameter sw => sw.IsPresent ? "True" : "False",
        string str => str.Length == 0 ? null : str,
        System.Collections.IEnumerable list => string.Join(", ", list.Cast<object>().Select(v => DefaultText(v))) is { Length: > 0 } joined ? joined : null,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
    public string TypeName { get; }
    public string FullTypeName { get; }
    public bool IsSwitch { get; }
    public bool Globbing { get; }
    public Dictionary<string, SetInfo> Sets { get; } = new();
    public List<string> Aliases { get; }
    public List<string> ValidValues { get; }

    public int? PositionIn(string set) => (Sets.GetValueOrDefault(set) ?? Sets.GetValueOrDefault(AllSets))?.Position;

    public XElement Element(string set, bool withDefault)
    {
        var s = Sets.GetValueOrDefault(set) ?? Sets.GetValueOrDefault(AllSets) ?? Sets.Values.First();
        var pipeline = s.ByValue && s.ByName ? "True (ByValue, ByPropertyName)" : s.ByValue ? "True (ByValue)" : s.ByName ? "True (ByPropertyName)" : "False";
        var e = new XElement(Command + "parameter",
            new XAttribute("required", s.Mandatory ? "true" : "false"),
            new XAttribute("variableLength", TypeName.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false"),
            new XAttribute("globbing", Globbing ? "true" : "false"),
            new XAttribute("pipelineInput", pipeline),
            new XAttribute("position", s.Position is int p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named"),
            new XAttribute("aliases", Aliases.Count > 0 ? string.Join(", ", Aliases) : "none"),
            new XElement(Maml + "name", Name),
            new XElement(Maml + "description", new XElement(Maml + "para", Doc + (ValidValues.Count > 0 ? " Valid values: " + string.Join(", ", ValidValues) + "." : ""))));
        if (!IsSwitch)
            e.Add(new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), TypeName));
        e.Add(new XElement(Dev + "type", new XElement(Maml + "name", FullTypeName)));
        if (withDefault) e.Add(new XElement(Dev + "defaultValue", DefaultValue ?? "None"));
        return e;
    }

    private static object? Get(CustomAttributeData a, string name)
    {
        foreach (var n in a.NamedArguments)
            if (n.MemberName == name) return n.TypedValue.Value;
        return null;
    }
}

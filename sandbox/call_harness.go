// Function-call harness for Go, spliced into the candidate's file (package main): the imports
// go right after its package clause (aliased: they never clash with its own), the body after
// "verireward: body" at its end. It reads the call's arguments as a JSON array on stdin, decodes each into the parameter's own type
// (reflection), calls the function and writes the JSON of what it returned on fd 3, the
// runner's value channel (the candidate's prints go to stdout and are ignored). A function
// with several results sends them as a list. Exit 3: arguments that do not fit the signature.
package main

import (
	verirewardJSON "encoding/json"
	verirewardFmt "fmt"
	verirewardIO "io"
	verirewardOS "os"
	verirewardReflect "reflect"
)

// verireward: body

func main() {
	target := verirewardReflect.ValueOf(VERIREWARD_FUNCTION)
	data, err := verirewardIO.ReadAll(verirewardOS.Stdin)
	if err != nil {
		verirewardFail("reading the arguments: " + err.Error())
	}
	var raw []verirewardJSON.RawMessage
	if err := verirewardJSON.Unmarshal(data, &raw); err != nil {
		verirewardFail("the arguments are not a JSON list: " + err.Error())
	}
	kind := target.Type()
	if kind.IsVariadic() || kind.NumIn() != len(raw) {
		verirewardFail(verirewardFmt.Sprintf("%d arguments for %s", len(raw), kind))
	}
	args := make([]verirewardReflect.Value, len(raw))
	for i := range raw {
		slot := verirewardReflect.New(kind.In(i))
		if err := verirewardJSON.Unmarshal(raw[i], slot.Interface()); err != nil {
			verirewardFail(verirewardFmt.Sprintf("argument %d does not fit %s: %s", i+1, kind.In(i), err))
		}
		args[i] = slot.Elem()
	}
	results := target.Call(args)
	var value interface{}
	if len(results) == 1 {
		value = verirewardPlain(results[0])
	} else {
		list := make([]interface{}, len(results))
		for i, result := range results {
			list[i] = verirewardPlain(result)
		}
		value = list
	}
	text, err := verirewardJSON.Marshal(value)
	if err != nil {
		verirewardFmt.Fprintln(verirewardOS.Stderr, "the returned value cannot be sent as JSON:", err)
		verirewardOS.Exit(1)
	}
	verirewardOS.NewFile(3, "value").Write(text)
}

// verirewardPlain makes nil slices empty lists (Go's JSON writes them as null) and map keys
// strings, the way the expected values are written.
func verirewardPlain(v verirewardReflect.Value) interface{} {
	switch v.Kind() {
	case verirewardReflect.Slice, verirewardReflect.Array:
		list := make([]interface{}, v.Len())
		for i := range list {
			list[i] = verirewardPlain(v.Index(i))
		}
		return list
	case verirewardReflect.Map:
		object := make(map[string]interface{}, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			object[verirewardFmt.Sprint(iter.Key().Interface())] = verirewardPlain(iter.Value())
		}
		return object
	case verirewardReflect.Ptr, verirewardReflect.Interface:
		if v.IsNil() {
			return nil
		}
		return verirewardPlain(v.Elem())
	case verirewardReflect.Invalid:
		return nil
	}
	return v.Interface()
}

func verirewardFail(message string) {
	verirewardFmt.Fprintln(verirewardOS.Stderr, "verireward call harness:", message)
	verirewardOS.Exit(3)
}

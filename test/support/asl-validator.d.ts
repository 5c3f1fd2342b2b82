declare module 'asl-validator' {
  interface AslValidationError {
    'Error code': string;
    Message: string;
  }
  /** Validates an Amazon States Language definition (it annotates the object it is given: pass a copy). */
  function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: AslValidationError[]; errorsText: (separator?: string) => string };
  export default validator;
}
